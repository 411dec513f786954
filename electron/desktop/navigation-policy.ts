// Which URLs our windows may show and which the system browser may be asked to open.
// Pure (no `electron` import) so the policy is unit-tested under plain Node; security.ts applies it.

const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]'];

/** The one origin our windows may load: the engine's UI server, e.g. `http://127.0.0.1:4780`. */
export function appOriginOf(uiUrl: string): string {
  const url = new URL(uiUrl);
  if (url.protocol !== 'http:' || !loopbackHosts.includes(url.hostname)) {
    // The engine binds its UI to loopback only; anything else is a wiring mistake, not a setting.
    throw new Error(`the engine's UI URL must be http on loopback (127.0.0.1), got ${url.origin}`);
  }
  return url.origin;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** May a window of ours navigate (or be redirected) to `target`? Only within our own origin. */
export function isAppUrl(target: string, appOrigin: string | null): boolean {
  if (appOrigin === null) return false;
  const url = parse(target);
  // `origin` is "null" for opaque URLs (data:, about:, file:, javascript:), never equal to ours.
  return url !== null && url.origin === appOrigin && url.username === '' && url.password === '';
}

/**
 * May a frame navigate to `target`? The main frame only within our origin; a subframe also to
 * about:blank / about:srcdoc, which inherit our origin (a hidden frame used to print, say).
 */
export function isAllowedFrameNavigation(target: string, appOrigin: string | null, isMainFrame: boolean): boolean {
  if (isAppUrl(target, appOrigin)) return true;
  return !isMainFrame && (target === 'about:blank' || target === 'about:srcdoc');
}

/** Hosts whose pages the desktop app may open in the system browser (docs only). */
export const externalHosts: readonly string[] = ['thingsboard.io'];

/** May `target` be handed to the system browser? https, default port, an allow-listed host exactly. */
export function isAllowedExternalUrl(target: string): boolean {
  const url = parse(target);
  return (
    url !== null &&
    url.protocol === 'https:' &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    externalHosts.includes(url.hostname)
  );
}

/** The part of Electron's WebFrameMain the sender check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Is an IPC message from our own page's top frame? A null frame (navigated away or destroyed), a
 * subframe, or any other origin is refused. Electron's own guidance: check `senderFrame`, not
 * `sender`, since one webContents can host frames of several origins.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appOrigin: string | null): boolean {
  if (!frame) return false;
  try {
    return frame.parent === null && isAppUrl(frame.url, appOrigin);
  } catch {
    // A disposed WebFrameMain throws on property access.
    return false;
  }
}
