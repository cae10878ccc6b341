import { useEffect } from 'react';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/**
 * Browser mode: asks before the tab closes while phones still trace (the core restores their
 * levels by itself, but only while it runs). Not in Electron, where a refusing beforeunload would
 * silently keep the window open: there the main process asks (electron/adapters/close-reminder.ts).
 */
export function TracingCloseReminder() {
  const t = useT();
  const browser = useAppStore((state) => state.appInfo?.mode === 'browser');
  const tracing = useAppStore((state) => Object.values(state.phones).some((phone) => phone.tracing !== null));
  const message = t('diag.closeReminder');
  useEffect(() => {
    if (!browser || !tracing) return;
    const remind = (event: BeforeUnloadEvent): string => {
      event.preventDefault();
      // Older browsers show (or at least need) a returned text.
      event.returnValue = message;
      return message;
    };
    window.addEventListener('beforeunload', remind);
    return () => window.removeEventListener('beforeunload', remind);
  }, [browser, tracing, message]);
  return null;
}
