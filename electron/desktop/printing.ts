// Printing label PDFs through the operating system (the `printLabels` and `listPrinters` bridge verbs).
//
// Approach: load the station's own `GET /api/labels.pdf?...&inline=1` into a hidden, sandboxed window of the
// default session (so the UI's HttpOnly session cookie authenticates it, and the secret never crosses IPC),
// let Chromium's built-in PDF viewer show it, then `webContents.print()` it with no margins at 100 % scale and
// the template's page size. The PDF is already laid out at the stock's true geometry; all printing must do is
// not scale or shift it (the printer offset is applied by the engine, not here).
//
// Limits, honestly (none of this can run here: no Electron binary on this machine):
// - It depends on the PDF viewer: `plugins: true` is needed, and Electron printed PDFs as blank pages until
//   electron/electron#43309 (Aug 2024, in 30.x and later; this app pins 45). The viewer may still be drawing when
//   'did-finish-load' fires; Chromium's print path is expected to wait for the document, but this is unverified.
// - security.ts adds the app CSP (incl. `object-src 'none'`) to every response of our origin, the PDF too.
//   Chromium shows a top-level PDF through a plugin; if that CSP keeps the viewer from loading, prints come out
//   blank, and security.ts must exempt `/api/labels.pdf` (a PDF of ours runs no script). Verify on a real build.
// - `silent` prints with the printer's defaults; a driver that forces "fit to page" or adds its own margins
//   still scales the sheet. The system dialog lets the person check "Actual size" / margins "None".
// - The engine records the labels as printed when it serves the PDF, so a dialog cancelled afterwards still
//   counts in the history. The printer's "success" means the job was spooled, not that paper came out.
// - Roll printers (Zebra, Brother) print more reliably from ZPL over TCP 9100 (`labels.sendToPrinter`).
// Pure of value imports from 'electron': main.ts injects the pieces, so the policy runs in tests under Node.
import type { BrowserWindowConstructorOptions, PrinterInfo, WebContentsPrintOptions } from 'electron';
import type { PrintLabelsRequest, SystemPrinter } from '../../shared/desktop-bridge.ts';
import { isAppUrl } from './navigation-policy.ts';

export const labelPdfPath = '/api/labels.pdf';

/** The subset of Electron's BrowserWindow this module drives. */
export interface PrintWindow {
  loadURL(url: string): Promise<void>;
  destroy(): void;
  isDestroyed(): boolean;
  webContents: {
    print(options: WebContentsPrintOptions, callback: (success: boolean, failureReason: string) => void): void;
    executeJavaScript(code: string): Promise<unknown>;
    once(event: 'did-navigate', listener: (event: unknown, url: string, httpResponseCode: number) => void): unknown;
  };
}

export interface PrintingDeps {
  appOrigin: () => string | null;
  /** `new BrowserWindow(options)`. */
  createWindow: (options: BrowserWindowConstructorOptions) => PrintWindow;
  /** The system's printers (`webContents.getPrintersAsync()` of any window of ours). */
  printers: () => Promise<PrinterInfo[]>;
  /** How long loading the PDF may take (a 10,000-label batch streams for a while). */
  loadTimeoutMs?: number;
}

/**
 * The URL to load, or an error: only our own origin's label PDF route, no credentials or fragment. `inline=1`
 * makes the engine send `Content-Disposition: inline`; an attachment would download instead of showing.
 */
export function labelPrintUrl(raw: string, appOrigin: string | null): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('That is not a label PDF address.');
  }
  if (!isAppUrl(url.href, appOrigin) || url.pathname !== labelPdfPath || url.hash !== '') {
    throw new Error(`Only this station's label PDFs (${labelPdfPath}) can be printed.`);
  }
  url.searchParams.set('inline', '1');
  return url.href;
}

const MICRONS_PER_MM = 1000;

/** No margins, no scaling, the template's page: the PDF is already at the stock's true geometry. */
export function printOptions(request: PrintLabelsRequest): WebContentsPrintOptions {
  const options: WebContentsPrintOptions = {
    silent: request.silent ?? false,
    margins: { marginType: 'none' },
    scaleFactor: 100,
    printBackground: false,
  };
  if (request.printer !== undefined) options.deviceName = request.printer;
  if (request.pageMm) {
    const { width, height } = request.pageMm;
    // Chromium describes paper upright and turns it with `landscape`; a wide roll label is upright paper turned.
    const landscape = width > height;
    options.landscape = landscape;
    options.pageSize = {
      width: Math.round((landscape ? height : width) * MICRONS_PER_MM),
      height: Math.round((landscape ? width : height) * MICRONS_PER_MM),
    };
  }
  return options;
}

/** Electron reports the default printer only among platform-specific options, under names that vary: best effort. */
function isDefaultPrinter(printer: PrinterInfo): boolean {
  const options = (printer.options ?? {}) as Record<string, unknown>;
  const legacy = (printer as unknown as { isDefault?: unknown }).isDefault;
  return legacy === true || options.isDefault === 'true' || options['is-default'] === 'true';
}

/** The API's own error body (`{ok:false,error:{message}}`), read from the page the window was shown instead. */
function errorMessageOf(text: unknown, status: number): string {
  try {
    const body = JSON.parse(String(text)) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: fall through to the status.
  }
  return `The station could not make the labels (HTTP ${status}).`;
}

export function createLabelPrinting(deps: PrintingDeps) {
  const loadTimeoutMs = deps.loadTimeoutMs ?? 120_000;
  return {
    async listPrinters(): Promise<SystemPrinter[]> {
      const printers = await deps.printers();
      return printers.map((p) => ({ name: p.name, displayName: p.displayName || p.name, isDefault: isDefaultPrinter(p) }));
    },

    async printLabels(request: PrintLabelsRequest): Promise<{ printed: boolean; reason: string | null }> {
      const url = labelPrintUrl(request.url, deps.appOrigin());
      const win = deps.createWindow({
        show: false,
        width: 900,
        height: 1200,
        webPreferences: {
          // No preload: this window needs no bridge. Same (default) session, so the UI's cookie authenticates it.
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          webSecurity: true,
          // Chromium's PDF viewer is a plugin.
          plugins: true,
        },
      });
      try {
        let status = 0;
        win.webContents.once('did-navigate', (_event, _url, code) => {
          status = code;
        });
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('The label PDF took too long to load.')), loadTimeoutMs);
        });
        try {
          await Promise.race([win.loadURL(url), timeout]);
        } finally {
          clearTimeout(timer);
        }
        // A refusal (no tokens, QR too small) arrives as the API's JSON error, which the window shows as text.
        if (status !== 200) {
          throw new Error(errorMessageOf(await win.webContents.executeJavaScript('document.body ? document.body.innerText : ""'), status));
        }
        return await new Promise((resolve) => {
          win.webContents.print(printOptions(request), (success, failureReason) => {
            resolve({ printed: success, reason: success ? null : failureReason || 'The print job failed.' });
          });
        });
      } finally {
        if (!win.isDestroyed()) win.destroy();
      }
    },
  };
}
export type LabelPrinting = ReturnType<typeof createLabelPrinting>;
