/**
 * The hand-over report as a PDF in the desktop app (Electron `webContents.printToPDF`). The page
 * size is set here, explicitly: Electron's default is Letter, and the report is made for A4.
 * Browser mode has no such call: the report opens in the browser's own print view.
 */

/** The subset of Electron's `PrintToPDFOptions` the report uses (the core does not import electron). */
export interface ReportPdfOptions {
  pageSize: 'A4';
  landscape: boolean;
  printBackground: boolean;
  /** The template's `@page` margins (12 mm) apply when the CSS page size is preferred. */
  preferCSSPageSize: boolean;
  displayHeaderFooter: boolean;
}

/** Landscape like the template's `@page { size: A4 landscape }`: the per-phone table is wide. */
export const REPORT_PDF_LANDSCAPE = true;

/** Renders `html` to a PDF with `options` and saves it where the technician chooses; null when cancelled. */
export type PrintReportPdf = (html: string, options: ReportPdfOptions, suggestedName: string) => Promise<string | null>;

export function reportPdfOptions(): ReportPdfOptions {
  return {
    pageSize: 'A4',
    landscape: REPORT_PDF_LANDSCAPE,
    printBackground: true,
    // The explicit A4 wins over anything the CSS might say.
    preferCSSPageSize: false,
    displayHeaderFooter: false,
  };
}

/** `handover-<site>-<yyyy-mm-dd>.pdf`, with only characters every file system takes. */
export function reportPdfName(site: string, at: number): string {
  const safe =
    site
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'site';
  return `handover-${safe}-${new Date(at).toISOString().slice(0, 10)}.pdf`;
}
