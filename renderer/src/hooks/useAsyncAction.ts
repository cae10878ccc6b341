import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { describeError } from '../api/errors.js';
import type { MessageKey } from '../i18n/index.js';
import { useAppStore } from '../store/context.js';

/**
 * Runs a button's async work with a busy flag; a failure becomes an error notice (what failed, in
 * the main process's words) instead of an unhandled rejection. Resolves to undefined on failure.
 * `run` keeps its identity across renders, so it can go into memoised table columns.
 */
export function useAsyncAction<Args extends unknown[], Result>(
  action: (...args: Args) => Promise<Result>,
  failureMessage: MessageKey = 'notice.actionFailed',
): { run: (...args: Args) => Promise<Result | undefined>; busy: boolean } {
  const notify = useAppStore((state) => state.notify);
  const [busy, setBusy] = useState(false);
  const latestAction = useRef(action);
  useLayoutEffect(() => {
    latestAction.current = action;
  });

  const run = useCallback(
    async (...args: Args): Promise<Result | undefined> => {
      setBusy(true);
      try {
        return await latestAction.current(...args);
      } catch (error) {
        notify({ tone: 'error', message: failureMessage, detail: describeError(error) });
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [notify, failureMessage],
  );
  return { run, busy };
}
