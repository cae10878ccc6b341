import { useEffect, useEffectEvent } from 'react';
import { describeError } from '../api/errors.js';
import { useAppStore } from '../store/context.js';

/**
 * Loads what a screen shows when it opens (and again when `key` changes). Live events keep it
 * current afterwards, so there is no polling.
 */
export function useLoadOnMount(load: () => Promise<unknown>, key: unknown = null): void {
  const notify = useAppStore((state) => state.notify);
  const startLoad = useEffectEvent(() => {
    load().catch((error: unknown) => notify({ tone: 'error', message: 'notice.loadFailed', detail: describeError(error) }));
  });
  useEffect(() => startLoad(), [key]);
}
