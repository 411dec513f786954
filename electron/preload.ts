// The sandboxed preload: exposes the bridge's named verbs as `window.fieldstation`, never
// ipcRenderer itself (STYLE.md §2). Main checks the sender and parses every argument.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type {
  DesktopBridge,
  DesktopVerb,
  desktopBridgeKey,
  desktopVerbs,
  EngineStatus,
  engineStatusChannel,
} from '../shared/desktop-bridge.ts';

// Names are repeated rather than imported: a value import of the contract would bundle zod
// (~750 kB) into a script that runs on every page load. The types make any drift a compile error.
const channels = {
  appVersion: 'fieldstation:app-version',
  openDocs: 'fieldstation:open-docs',
  listPrinters: 'fieldstation:list-printers',
  printLabels: 'fieldstation:print-labels',
  getUiLocale: 'fieldstation:get-ui-locale',
  setUiLocale: 'fieldstation:set-ui-locale',
} as const satisfies { [V in DesktopVerb]: (typeof desktopVerbs)[V]['channel'] };
const statusChannel: typeof engineStatusChannel = 'fieldstation:engine-status';
const bridgeKey: typeof desktopBridgeKey = 'fieldstation';

const bridge = {
  appVersion: () => ipcRenderer.invoke(channels.appVersion),
  openDocs: (topic) => ipcRenderer.invoke(channels.openDocs, topic),
  listPrinters: () => ipcRenderer.invoke(channels.listPrinters),
  printLabels: (request) => ipcRenderer.invoke(channels.printLabels, request),
  getUiLocale: () => ipcRenderer.invoke(channels.getUiLocale),
  setUiLocale: (locale) => ipcRenderer.invoke(channels.setUiLocale, locale),
  onEngineStatus: (listener) => {
    // Only the status crosses into the page, not Electron's event (its `sender` is ipcRenderer).
    const forward = (_event: IpcRendererEvent, status: EngineStatus) => listener(status);
    ipcRenderer.on(statusChannel, forward);
    return () => {
      ipcRenderer.removeListener(statusChannel, forward);
    };
  },
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld(bridgeKey, bridge);
