import { describe, expect, it, vi } from 'vitest';
import { createLabelPrinting, labelPrintUrl, type PrintWindow, printOptions } from '../../electron/desktop/printing.ts';
import { createVerbHandlers } from '../../electron/desktop/verbs.ts';

// The Electron-free part of desktop label printing: which URLs may be printed, with which options, and how a
// window is driven. Real printing needs an Electron build and a printer; see the notes in printing.ts.

const origin = 'http://127.0.0.1:4780';

function fakeWindow(status = 200, body = '') {
  const calls: { url?: string; options?: unknown; destroyed: boolean } = { destroyed: false };
  let navigated: ((event: unknown, url: string, code: number) => void) | undefined;
  const win: PrintWindow = {
    async loadURL(url) {
      calls.url = url;
      navigated?.({}, url, status);
    },
    destroy: () => {
      calls.destroyed = true;
    },
    isDestroyed: () => calls.destroyed,
    webContents: {
      print(options, callback) {
        calls.options = options;
        callback(true, '');
      },
      executeJavaScript: async () => body,
      once(_event, listener) {
        navigated = listener;
        return undefined;
      },
    },
  };
  return { win, calls };
}

describe('desktop label printing', () => {
  it('prints only our own origin label PDF route, and asks for it inline', () => {
    expect(labelPrintUrl(`${origin}/api/labels.pdf?batch=north&template=avery-5160`, origin)).toBe(
      `${origin}/api/labels.pdf?batch=north&template=avery-5160&inline=1`,
    );
    for (const url of [
      'http://127.0.0.1:4781/api/labels.pdf?batch=north',
      'http://evil.example/api/labels.pdf',
      `${origin}/api/rpc/labels.sendToPrinter`,
      `${origin}/api/labels.zpl?batch=north`,
      `http://user:pw@127.0.0.1:4780/api/labels.pdf`,
      `${origin}/api/labels.pdf#x`,
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(() => labelPrintUrl(url, origin), url).toThrow();
    }
    expect(() => labelPrintUrl(`${origin}/api/labels.pdf`, null)).toThrow();
  });

  it('prints at true scale: no margins, 100 %, the template page in microns, wide labels as landscape', () => {
    expect(printOptions({ url: '', pageMm: { width: 215.9, height: 279.4 } })).toEqual({
      silent: false,
      margins: { marginType: 'none' },
      scaleFactor: 100,
      printBackground: false,
      landscape: false,
      pageSize: { width: 215_900, height: 279_400 },
    });
    expect(printOptions({ url: '', printer: 'Zebra_ZD421', silent: true, pageMm: { width: 50.8, height: 25.4 } })).toMatchObject({
      silent: true,
      deviceName: 'Zebra_ZD421',
      landscape: true,
      pageSize: { width: 25_400, height: 50_800 },
    });
  });

  it('loads the PDF in a hidden sandboxed window, prints it, and closes the window', async () => {
    const { win, calls } = fakeWindow();
    const createWindow = vi.fn((_options: unknown) => win);
    const printing = createLabelPrinting({ appOrigin: () => origin, createWindow, printers: async () => [] });
    await expect(printing.printLabels({ url: `${origin}/api/labels.pdf?batch=b&template=avery-5160` })).resolves.toEqual({ printed: true, reason: null });
    expect(createWindow.mock.calls[0]![0]).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, plugins: true } });
    expect(calls.url).toContain('inline=1');
    expect(calls.options).toMatchObject({ margins: { marginType: 'none' }, scaleFactor: 100 });
    expect(calls.destroyed).toBe(true);
  });

  it("shows the station's refusal instead of printing its error page", async () => {
    const { win, calls } = fakeWindow(409, JSON.stringify({ ok: false, error: { code: 'conflict', message: 'None of the 3 selected devices …' } }));
    const printing = createLabelPrinting({ appOrigin: () => origin, createWindow: () => win, printers: async () => [] });
    await expect(printing.printLabels({ url: `${origin}/api/labels.pdf?batch=b&template=avery-5160` })).rejects.toThrow('None of the 3 selected devices …');
    expect(calls.options).toBeUndefined();
    expect(calls.destroyed).toBe(true);
  });

  it('the verbs answer FAILED without printing wired in, so the UI falls back to a download', async () => {
    const handlers = createVerbHandlers({ version: '1', openExternal: async () => {} });
    await expect(async () => handlers.listPrinters()).rejects.toThrow('Printing is not available');
    const printing = createLabelPrinting({
      appOrigin: () => origin,
      createWindow: () => fakeWindow().win,
      printers: async () => [{ name: 'HP_4', displayName: 'HP 4', description: '', options: { isDefault: 'true' } as never }],
    });
    expect(await createVerbHandlers({ version: '1', openExternal: async () => {}, printing }).listPrinters()).toEqual([
      { name: 'HP_4', displayName: 'HP 4', isDefault: true },
    ]);
  });
});
