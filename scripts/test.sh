#!/usr/bin/env bash
# The whole test suite: static checks, unit + integration + component tests, build,
# packaging config check, end-to-end tests in Debian's Chromium. Prints `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
# Tests only ever talk to 127.0.0.0/8: the egress guard refuses anything else.
export FIELDSTAGE_LOOPBACK_ONLY=1
mkdir -p reports
rm -f reports/*.json
failed_stage=""
stage() {
  local name=$1; shift
  echo "── $name"
  if ! "$@"; then failed_stage="${failed_stage} ${name}"; fi
}

stage typecheck npm run -s typecheck
stage lint npx eslint .
stage format npx prettier --check .
stage unit npx vitest run --reporter=default --reporter=json --outputFile.json=reports/unit.json
stage build npm run -s build
# The sandboxed preload must be CommonJS (Electron cannot load an ESM preload there).
stage preload-cjs node -e "const s=require('fs').readFileSync('dist/electron/preload/index.cjs','utf8'); if(/^\s*(import|export)\s/m.test(s)) process.exit(1)"
stage builder-config node test/support/validate-electron-builder.cjs electron-builder.yml
stage e2e npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=reports/e2e.json

node scripts/summarize-tests.mjs reports/unit.json reports/e2e.json ${failed_stage:+--failed-stages "$failed_stage"}
