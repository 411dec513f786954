// Locks down every webContents and the session they load in (STYLE.md §3, Electron's security
// checklist). The decisions themselves live in navigation-policy.ts, which has no `electron` import.
import { app, type Session, type WebContents, type WebPreferences } from 'electron';
import { withContentSecurityPolicy } from './content-security-policy.ts';
import { isAllowedFrameNavigation, isAppUrl } from './navigation-policy.ts';

export type AppOrigin = () => string | null;

export function secureWebPreferences(preload: string, zoomFactor = 1): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    zoomFactor,
  };
}

/** Applied to every webContents through `web-contents-created`, windows we did not create included. */
export function guardWebContents(contents: WebContents, appOrigin: AppOrigin): void {
  const denyForeign = (event: { url: string; isMainFrame: boolean; preventDefault(): void }, what: string) => {
    if (isAllowedFrameNavigation(event.url, appOrigin(), event.isMainFrame)) return;
    event.preventDefault();
    console.warn(`[security] blocked ${what} to ${event.url}`);
  };
  contents.on('will-navigate', (event) => denyForeign(event, 'navigation'));
  // will-navigate covers the main frame; this adds subframes (it fires for the main frame too).
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) denyForeign(event, 'frame navigation');
  });
  contents.on('will-redirect', (event) => denyForeign(event, 'redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Links to docs go through the bridge's openDocs verb, never through window.open.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function hardenSession(ses: Session, appOrigin: AppOrigin): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, appOrigin())) {
      callback({});
      return;
    }
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}

/** Call once, before the first window: guards every webContents the app ever creates. */
export function installSecurity(appOrigin: AppOrigin): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appOrigin));
}
