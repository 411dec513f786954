// The Electron host: one locked-down window on the engine's UI, the engine itself in a
// utilityProcess that is restarted when it dies (DESIGN.md, "One engine, two hosts").
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { app, BrowserWindow, dialog, session, shell, utilityProcess } from 'electron';
import pkg from '../package.json' with { type: 'json' };
import { type EngineStatus, engineStatusChannel } from '../shared/desktop-bridge.ts';
import { defaultDataDir } from './station/data-dir.ts';
import { desktopMasterKey } from './desktop/master-key.ts';
import { createEngineSupervisor, type EngineChild, type EngineSupervisor } from './desktop/engine-supervisor.ts';
import { registerVerbs } from './desktop/ipc.ts';
import { appOriginOf } from './desktop/navigation-policy.ts';
import { createPreferences, type Preferences } from './desktop/preferences.ts';
import { createLabelPrinting } from './desktop/printing.ts';
import { hardenSession, installSecurity, secureWebPreferences } from './desktop/security.ts';
import { createVerbHandlers } from './desktop/verbs.ts';
import { minimumWindowSize } from './desktop/window-state.ts';

const productName = 'Fieldstation';
// This file is bundled to dist/electron/main.cjs (CommonJS, so __dirname); its siblings are built beside it.
const preloadPath = path.join(__dirname, 'preload.cjs');
const stationProcessPath = path.join(__dirname, 'station-process.mjs');

/**
 * The UI port: 4780 unless FIELDSTATION_UI_PORT says otherwise (0 = any). A fixed port keeps the
 * window's origin, and with it the renderer's local storage and zoom, the same from launch to launch,
 * and it lies below every OS's ephemeral range, so no outgoing connection can grab it while a crashed
 * engine restarts. If it is taken at launch, the supervisor falls back to an OS-chosen port.
 */
function preferredUiPort(): number {
  const raw = process.env.FIELDSTATION_UI_PORT;
  const port = raw ? Number(raw) : Number.NaN;
  return Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : 4780;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const log = (line: string) => console.log(`[desktop] ${line}`);

// Run from a file path (`electron dist/electron/main.cjs`) Electron finds no package.json and would
// call the app "Electron", sharing its userData folder with every other unpackaged app.
app.setName(productName);
const userDataOverride = process.env.FIELDSTATION_USER_DATA_DIR; // tests: one folder, one instance lock each
app.setPath('userData', userDataOverride ? path.resolve(userDataOverride) : path.join(app.getPath('appData'), productName));

let appOrigin: string | null = null;
let uiUrl: string | null = null;
let mainWindow: BrowserWindow | null = null;
let windowLoadFailed = false;
let engine: EngineSupervisor | null = null;
let preferences: Preferences | null = null;
let quitting = false;
let engineStopped = false;

if (!app.requestSingleInstanceLock()) {
  // Another Fieldstation owns this data; it gets the focus (second-instance) and we leave.
  app.quit();
} else {
  installSecurity(() => appOrigin);

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    // On macOS the app (and the engine, still serving devices) stays until Quit.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && uiUrl) openWindow(uiUrl);
  });
  app.on('before-quit', (event) => {
    quitting = true;
    if (engineStopped || !engine) return;
    // Let the engine finish its transactions and close its sockets before we go.
    event.preventDefault();
    void engine.stop().finally(() => {
      engineStopped = true;
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(onReady)
    .catch((err: unknown) => {
      dialog.showErrorBox(`${productName} could not start`, messageOf(err));
      app.exit(1);
    });
}

async function onReady(): Promise<void> {
  hardenSession(session.defaultSession, () => appOrigin);
  preferences = createPreferences();
  registerVerbs(
    createVerbHandlers({
      version: pkg.version,
      openExternal: (url) => shell.openExternal(url),
      printing: createLabelPrinting({
        appOrigin: () => appOrigin,
        createWindow: (options) => new BrowserWindow(options),
        printers: async () => (mainWindow ?? BrowserWindow.getAllWindows()[0])?.webContents.getPrintersAsync() ?? [],
      }),
      uiLocale: preferences.uiLocale,
    }),
    () => appOrigin,
  );
  // The same folder the CLI uses, so `fieldstation devices` sees what the desktop app provisioned.
  const dataDir = userDataOverride ? path.join(app.getPath('userData'), 'station') : defaultDataDir();
  engine = createEngineSupervisor({
    fork: forkEngine,
    dataDir,
    masterKey: desktopMasterKey(app.getPath('userData'), dataDir, log) ?? undefined,
    // One secret for the app's lifetime: a restarted engine accepts the window's cookie.
    secret: randomBytes(32).toString('base64url'),
    preferredPort: preferredUiPort(),
    onStatus: tellWindow,
    log,
  });

  let ready: Awaited<ReturnType<EngineSupervisor['start']>>;
  try {
    ready = await engine.start();
  } catch (err) {
    if (quitting) return;
    dialog.showErrorBox(`${productName} could not start`, `The station engine did not start:\n\n${messageOf(err)}`);
    app.exit(1);
    return;
  }
  uiUrl = ready.uiUrl;
  appOrigin = appOriginOf(uiUrl);
  log(`engine ready on ${appOrigin}`); // not the URL: it carries the secret
  if (!quitting) openWindow(uiUrl);
}

function forkEngine(): EngineChild {
  const child = utilityProcess.fork(stationProcessPath, [], { serviceName: 'Fieldstation engine', stdio: 'pipe' });
  const pipes = [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const;
  for (const [from, to] of pipes) {
    if (from) createInterface({ input: from }).on('line', (line) => to.write(`[engine] ${line}\n`));
  }
  return child;
}

function tellWindow(status: EngineStatus): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  win.webContents.send(engineStatusChannel, status);
  // The renderer reconnects by itself, but only if it loaded: a window that opened onto a dead
  // engine shows Chromium's error page until we load the UI again.
  if (status.state === 'running' && windowLoadFailed && uiUrl) {
    windowLoadFailed = false;
    void win.loadURL(uiUrl).catch((err: unknown) => log(`the window could not load the UI: ${messageOf(err)}`));
  }
}

function openWindow(url: string): void {
  const initial = preferences!.initialWindow();
  const win = new BrowserWindow({
    ...initial.bounds,
    minWidth: minimumWindowSize.width,
    minHeight: minimumWindowSize.height,
    title: productName,
    show: false,
    webPreferences: secureWebPreferences(preloadPath, initial.zoomFactor),
  });
  mainWindow = win;
  if (initial.maximized) win.maximize();
  preferences!.track(win);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('did-fail-load', (_event, code, description, _url, isMainFrame) => {
    // -3 is ERR_ABORTED: a navigation replaced by another (the token URL's redirect), not a failure.
    if (!isMainFrame || code === -3) return;
    windowLoadFailed = true;
    log(`the window could not load the UI (${description})`);
  });
  win
    .loadURL(url)
    .catch(() => undefined) // reported by did-fail-load
    .finally(() => {
      if (!win.isDestroyed() && !win.isVisible()) win.show();
    });
}
