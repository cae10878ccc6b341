import { dialog, type BrowserWindow } from 'electron';
import type { Core } from '../core/app/core-types.js';

const TEXT = {
  en: {
    message: (count: number) => `${count} phone(s) still trace.`,
    detail:
      'Fieldstage writes their original trace levels back when the time runs out, but only while it runs. Stop tracing first, or quit anyway and restore the levels at the next start.',
    buttons: ['Quit anyway', 'Keep Fieldstage open'],
  },
  de: {
    message: (count: number) => `${count} Telefon(e) tracen noch.`,
    detail:
      'Fieldstage schreibt die ursprünglichen Trace-Level zurück, wenn die Zeit abläuft – aber nur, solange es läuft. Beenden Sie zuerst das Tracing, oder schließen Sie trotzdem; die Level werden beim nächsten Start zurückgeschrieben.',
    buttons: ['Trotzdem beenden', 'Fieldstage offen lassen'],
  },
} as const;

/**
 * Electron's counterpart of the renderer's beforeunload reminder (which Electron would turn into a
 * window that silently refuses to close): asks in the main process while phones still trace.
 */
export function remindBeforeClosing(window: BrowserWindow, core: () => Core | null): void {
  let confirmed = false;
  window.on('close', (event) => {
    const running = core();
    if (confirmed || !running) return;
    event.preventDefault();
    void (async () => {
      const phones = await running.handlers['phones.list']({ limit: 10_000 });
      const tracing = phones.filter((p) => p.tracing !== null).length;
      if (tracing > 0) {
        const text = TEXT[(await running.handlers['settings.get']({})).language];
        const { response } = await dialog.showMessageBox(window, {
          type: 'warning',
          message: text.message(tracing),
          detail: text.detail,
          buttons: [...text.buttons],
          defaultId: 1,
          cancelId: 1,
        });
        if (response !== 0) return;
      }
      confirmed = true;
      window.close();
    })().catch(() => {
      confirmed = true;
      window.close();
    });
  });
}
