// The contract of the desktop bridge: what the Electron preload exposes to the renderer as
// `window.fieldstation`, the IPC channel behind each verb, and zod schemas for what crosses it.
// Isomorphic (STYLE.md §4): imports neither Node nor DOM, so main, preload and renderer share it.
//
// Adding a native verb later (printing a PDF through the system dialog or silently to a chosen
// printer, listing printers, save/open file dialogs) is one entry in `desktopVerbs` plus its
// handler in electron/desktop/verbs.ts; the preload and the `DesktopBridge` type follow from it.
// Only verbs that are implemented are declared here.
import { z } from 'zod';
import { UiLocale } from './preferences.ts';

export const DocsTopic = z.enum(['provisioning', 'http-api', 'mqtt-api', 'coap-api']);
export type DocsTopic = z.infer<typeof DocsTopic>;

/**
 * The page each docs topic opens. The renderer names a topic, never a URL, so a compromised page
 * cannot use the bridge to open arbitrary links. The browser host links to the same pages.
 */
export const docsUrls: Readonly<Record<DocsTopic, string>> = {
  provisioning: 'https://thingsboard.io/docs/user-guide/device-provisioning/',
  'http-api': 'https://thingsboard.io/docs/reference/http-api/',
  'mqtt-api': 'https://thingsboard.io/docs/reference/mqtt-api/',
  'coap-api': 'https://thingsboard.io/docs/reference/coap-api/',
};

/** A system printer, as the print dialog names it. */
export const SystemPrinter = z.object({
  /** The OS name: what `printLabels` takes as `printer`. */
  name: z.string(),
  displayName: z.string(),
  /** Best effort: Electron reports the default only through platform-specific options. */
  isDefault: z.boolean(),
});
export type SystemPrinter = z.infer<typeof SystemPrinter>;

/**
 * Print a label PDF through the system's printing: the `GET /api/labels.pdf?...` URL of the station's own UI
 * origin (anything else is refused), on a named printer or the default one, silently or through the dialog.
 */
export const PrintLabelsRequest = z.object({
  url: z.string().max(8192),
  printer: z.string().min(1).max(512).optional(),
  silent: z.boolean().optional(),
  /** The template's page in mm (`labels.templates` pageMm), so the sheet comes out at true scale. */
  pageMm: z.object({ width: z.number().positive().max(2000), height: z.number().positive().max(2000) }).optional(),
});
export type PrintLabelsRequest = z.infer<typeof PrintLabelsRequest>;

/** `printed: false` with the system's reason, e.g. "Print job canceled" when the person closed the dialog. */
export const PrintLabelsResult = z.object({ printed: z.boolean(), reason: z.string().nullable() });

/** Each verb: its invoke channel, its arguments as a tuple, and its result. */
export const desktopVerbs = {
  appVersion: {
    channel: 'fieldstation:app-version',
    args: z.tuple([]),
    result: z.string(),
  },
  openDocs: {
    channel: 'fieldstation:open-docs',
    args: z.tuple([DocsTopic]),
    result: z.null(),
  },
  listPrinters: {
    channel: 'fieldstation:list-printers',
    args: z.tuple([]),
    result: z.array(SystemPrinter),
  },
  printLabels: {
    channel: 'fieldstation:print-labels',
    args: z.tuple([PrintLabelsRequest]),
    result: PrintLabelsResult,
  },
  /** The UI language the app remembers (electron-store), null when none was chosen. */
  getUiLocale: {
    channel: 'fieldstation:get-ui-locale',
    args: z.tuple([]),
    result: UiLocale.nullable(),
  },
  /** Remembers the UI language; null forgets it. */
  setUiLocale: {
    channel: 'fieldstation:set-ui-locale',
    args: z.tuple([UiLocale.nullable()]),
    result: z.null(),
  },
} as const;

export type DesktopVerb = keyof typeof desktopVerbs;
export type VerbArgs<V extends DesktopVerb> = z.infer<(typeof desktopVerbs)[V]['args']>;
export type VerbResult<V extends DesktopVerb> = z.infer<(typeof desktopVerbs)[V]['result']>;

export const DesktopErrorCode = z.enum([
  // The call did not come from our own page's top frame.
  'FORBIDDEN_SENDER',
  'INVALID_ARGUMENTS',
  // The verb ran and failed; the message says why.
  'FAILED',
]);
export type DesktopErrorCode = z.infer<typeof DesktopErrorCode>;

export interface DesktopError {
  code: DesktopErrorCode;
  message: string;
}

/** Errors are values at the boundary (STYLE.md §10): a verb never rejects. */
export type DesktopResult<T> = { ok: true; value: T } | { ok: false; error: DesktopError };

/**
 * The engine runs in its own process; when it dies, main restarts it on the same port and secret.
 * Main pushes these on `engineStatusChannel` so the window can say what is happening.
 */
export const EngineStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('running') }),
  z.object({
    state: z.literal('restarting'),
    /** Consecutive failed attempts so far; 1 on the first restart. */
    attempt: z.number().int().min(1),
    retryInMs: z.number().int().min(0),
    reason: z.string(),
  }),
]);
export type EngineStatus = z.infer<typeof EngineStatus>;
export const engineStatusChannel = 'fieldstation:engine-status';

/** What the preload exposes as `window.fieldstation` (absent in the browser host). */
export type DesktopBridge = {
  readonly [V in DesktopVerb]: (...args: VerbArgs<V>) => Promise<DesktopResult<VerbResult<V>>>;
} & {
  /** Calls `listener` on every engine status change; returns the unsubscribe function. */
  readonly onEngineStatus: (listener: (status: EngineStatus) => void) => () => void;
};

export const desktopBridgeKey = 'fieldstation';
