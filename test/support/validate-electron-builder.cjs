#!/usr/bin/env node
// Validates an electron-builder config file against app-builder-lib's own schema and rules
// (the same check electron-builder runs before packaging), without building anything.
// Usage: node test/support/validate-electron-builder.cjs [electron-builder.yml]
'use strict';

const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');

const file = resolve(process.argv[2] ?? 'electron-builder.yml');

async function main() {
  // Both are electron-builder's own dependencies; app-builder-lib has no exports map, so the
  // deep path is reachable.
  const { load } = require('js-yaml');
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  const config = load(readFileSync(file, 'utf8'));
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error('the file does not contain a configuration object');
  }
  await validateConfiguration(config, new DebugLogger(false));
}

main().then(
  () => console.log(`${file}: valid`),
  (error) => {
    console.error(`${file}: invalid\n${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
