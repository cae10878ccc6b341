import { describe, expect, it } from 'vitest';
import { reportPdfName, reportPdfOptions } from '../../electron/core/rollout/report-pdf.js';

describe('report PDF options (Electron printToPDF)', () => {
  it('sets A4 explicitly, landscape like the template, and lets the CSS not override the size', () => {
    expect(reportPdfOptions()).toEqual({
      pageSize: 'A4',
      landscape: true,
      printBackground: true,
      preferCSSPageSize: false,
      displayHeaderFooter: false,
    });
  });

  it('names the file after the site and the day, with characters every file system takes', () => {
    const at = Date.UTC(2026, 11, 3, 17, 0);
    expect(reportPdfName('Müller & Söhne / Halle 2', at)).toBe('handover-Muller-Sohne-Halle-2-2026-12-03.pdf');
    expect(reportPdfName('', at)).toBe('handover-site-2026-12-03.pdf');
    expect(reportPdfName('../../etc', at)).toBe('handover-etc-2026-12-03.pdf');
  });
});
