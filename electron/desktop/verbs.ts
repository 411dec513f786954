// What each bridge verb does. Pure: main.ts injects the Electron pieces (shell.openExternal).
import { docsUrls } from '../../shared/desktop-bridge.ts';
import type { VerbHandlers } from './ipc-core.ts';
import type { LabelPrinting } from './printing.ts';
import type { UiLocaleStore } from './ui-locale.ts';
import { isAllowedExternalUrl } from './navigation-policy.ts';

export interface VerbDeps {
  /** The app's version (package.json), not Electron's: a dev run from a file path reports Electron's. */
  readonly version: string;
  readonly openExternal: (url: string) => Promise<void>;
  /** Label printing through the system (printing.ts); absent, those verbs answer FAILED and the UI downloads instead. */
  readonly printing?: LabelPrinting;
  /** Where the UI language is remembered (preferences.ts: electron-store); absent, those verbs answer FAILED. */
  readonly uiLocale?: UiLocaleStore;
}

export function createVerbHandlers(deps: VerbDeps): VerbHandlers {
  return {
    appVersion: () => deps.version,
    openDocs: async (topic) => {
      const url = docsUrls[topic];
      // The table is ours, but the allow-list is the single place that says what may leave the app.
      if (!isAllowedExternalUrl(url)) throw new Error(`Refusing to open ${url}: not an allowed docs page.`);
      await deps.openExternal(url);
      return null;
    },
    listPrinters: () => printing(deps).listPrinters(),
    printLabels: (request) => printing(deps).printLabels(request),
    getUiLocale: () => uiLocale(deps).get(),
    setUiLocale: (locale) => uiLocale(deps).set(locale),
  };
}

function printing(deps: VerbDeps): LabelPrinting {
  if (!deps.printing) throw new Error('Printing is not available in this window; download the PDF instead.');
  return deps.printing;
}

function uiLocale(deps: VerbDeps): UiLocaleStore {
  // The renderer then keeps the language with the station (preferences.get/set), as in a browser.
  if (!deps.uiLocale) throw new Error('The app keeps no UI language here.');
  return deps.uiLocale;
}
