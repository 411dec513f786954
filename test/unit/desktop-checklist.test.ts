// Electron's security checklist, proven from the code that builds the window (STYLE.md §3), everywhere: the e2e test
// (test/e2e/electron.test.ts) tries the same escapes against a running app, but only where an Electron binary exists.
// Files that import `electron` cannot be loaded here (the package would try to download its binary), so they are read
// with the TypeScript compiler; the pure modules they delegate to are run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../../electron/desktop/content-security-policy.ts';
import { createVerbInvoker } from '../../electron/desktop/ipc-core.ts';
import { isAllowedFrameNavigation } from '../../electron/desktop/navigation-policy.ts';
import { z } from 'zod';
import { desktopVerbs } from '../../shared/desktop-bridge.ts';

const electronDir = fileURLToPath(new URL('../../electron/', import.meta.url));

const parsed = new Map<string, ts.SourceFile>();

function parse(relative: string): ts.SourceFile {
  const file = join(electronDir, relative);
  let source = parsed.get(file);
  if (!source) {
    source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    parsed.set(file, source);
  }
  return source;
}

/** Every node of `root` that `match` accepts, in source order. */
function findAll<T extends ts.Node>(root: ts.Node, match: (node: ts.Node) => node is T): T[] {
  const found: T[] = [];
  const visit = (node: ts.Node) => {
    if (match(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

const calls = (root: ts.Node, callee: string) =>
  findAll(root, (n): n is ts.CallExpression => ts.isCallExpression(n) && n.expression.getText() === callee);

function functionNamed(file: ts.SourceFile, name: string): ts.FunctionDeclaration {
  const fn = findAll(file, (n): n is ts.FunctionDeclaration => ts.isFunctionDeclaration(n) && n.name?.text === name)[0];
  if (!fn) throw new Error(`${file.fileName} has no function ${name}`);
  return fn;
}

/** The literal values (true, false, strings) of an object literal's properties. */
function literalProps(object: ts.ObjectLiteralExpression): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const p of object.properties) {
    if (!ts.isPropertyAssignment(p)) continue;
    const value = p.initializer;
    props[p.name.getText()] =
      value.kind === ts.SyntaxKind.TrueKeyword
        ? true
        : value.kind === ts.SyntaxKind.FalseKeyword
          ? false
          : ts.isStringLiteral(value)
            ? value.text
            : value.getText();
  }
  return props;
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  return object.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name)?.initializer;
}

/** The handler registered with `<target>.on(event, handler)` inside `root`. */
function handlerOf(root: ts.Node, event: string): ts.ArrowFunction {
  const call = findAll(
    root,
    (n): n is ts.CallExpression =>
      ts.isCallExpression(n) && n.expression.getText().endsWith('.on') && ts.isStringLiteral(n.arguments[0]!) && (n.arguments[0] as ts.StringLiteral).text === event,
  )[0];
  const handler = call?.arguments[1];
  if (!handler || !ts.isArrowFunction(handler)) throw new Error(`no handler for '${event}'`);
  return handler;
}

const lockedDown = { contextIsolation: true, sandbox: true, nodeIntegration: false };

/** The sources under electron/ that mention `word` at all (only those are worth parsing). */
function electronSources(word: string): string[] {
  return readdirSync(electronDir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => readFileSync(file, 'utf8').includes(word))
    .map((file) => file.slice(electronDir.length));
}

const main = parse('main.ts');
const security = parse('desktop/security.ts');

describe('Electron security checklist, from the code', () => {
  it('the app window gets secureWebPreferences: context isolation, sandbox, no Node anywhere, no webview', () => {
    const fn = functionNamed(security, 'secureWebPreferences');
    const returned = findAll(fn, (n): n is ts.ReturnStatement => ts.isReturnStatement(n))[0]?.expression;
    expect(returned && ts.isObjectLiteralExpression(returned)).toBe(true);
    expect(literalProps(returned as ts.ObjectLiteralExpression)).toMatchObject({
      ...lockedDown,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('every BrowserWindow the app builds is locked down: the main window and the label-printing window', () => {
    const windows = electronSources('BrowserWindow').flatMap((f) =>
      findAll(parse(f), (n): n is ts.NewExpression => ts.isNewExpression(n) && n.expression.getText() === 'BrowserWindow').map((n) => ({ f, n })),
    );
    expect(windows.map((w) => w.f)).toEqual(['main.ts', 'main.ts']);
    let delegated = 0;
    for (const { n } of windows) {
      const arg = n.arguments?.[0];
      if (arg && ts.isObjectLiteralExpression(arg)) {
        // The main window.
        expect(property(arg, 'webPreferences')?.getText()).toMatch(/^secureWebPreferences\(/);
      } else {
        // `createWindow: (options) => new BrowserWindow(options)`, handed to printing.ts.
        expect(ts.isPropertyAssignment(n.parent.parent) && (n.parent.parent as ts.PropertyAssignment).name.getText()).toBe('createWindow');
        delegated++;
      }
    }
    expect(delegated).toBe(1);
    const printWindows = calls(parse('desktop/printing.ts'), 'deps.createWindow');
    expect(printWindows).toHaveLength(1);
    const options = printWindows[0]!.arguments[0] as ts.ObjectLiteralExpression;
    const prefs = property(options, 'webPreferences') as ts.ObjectLiteralExpression;
    expect(literalProps(prefs)).toMatchObject(lockedDown);
    expect(literalProps(prefs)).not.toHaveProperty('preload');
  });

  it('a Content-Security-Policy is added to every response of the app origin, and it allows no foreign or inline script', () => {
    const harden = functionNamed(security, 'hardenSession');
    const onHeaders = calls(harden, 'ses.webRequest.onHeadersReceived');
    expect(onHeaders).toHaveLength(1);
    expect(calls(onHeaders[0]!, 'withContentSecurityPolicy')).toHaveLength(1);
    const added = withContentSecurityPolicy({ 'content-type': 'text/html' })['Content-Security-Policy'];
    expect(added).toEqual([contentSecurityPolicy]);
    const directives = Object.fromEntries(contentSecurityPolicy.split('; ').map((d) => [d.split(' ')[0], d]));
    expect(directives['default-src']).toBe("default-src 'self'");
    expect(directives['script-src']).toBe("script-src 'self'");
    expect(directives['object-src']).toBe("object-src 'none'");
    expect(directives['frame-ancestors']).toBe("frame-ancestors 'none'");
  });

  it('navigation away from the app and new windows are denied for every webContents', () => {
    const install = functionNamed(security, 'installSecurity');
    expect(calls(install, 'app.enableSandbox')).toHaveLength(1);
    expect(calls(handlerOf(install, 'web-contents-created'), 'guardWebContents')).toHaveLength(1);
    const guard = functionNamed(security, 'guardWebContents');
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) expect(calls(handlerOf(guard, event), 'denyForeign').length).toBeGreaterThan(0);
    expect(calls(handlerOf(guard, 'will-attach-webview'), 'event.preventDefault')).toHaveLength(1);
    const denyForeign = findAll(guard, (n): n is ts.VariableDeclaration => ts.isVariableDeclaration(n) && n.name.getText() === 'denyForeign')[0]!;
    expect(calls(denyForeign, 'event.preventDefault')).toHaveLength(1);
    const openHandler = calls(guard, 'contents.setWindowOpenHandler')[0]!.arguments[0] as ts.ArrowFunction;
    expect(openHandler.body.getText().replace(/\s/g, '')).toBe("({action:'deny'})");
    // What denyForeign decides (navigation-policy.ts is pure): only the app's own origin, in the main frame.
    expect(isAllowedFrameNavigation('https://example.com/', 'http://127.0.0.1:4780', true)).toBe(false);
    expect(isAllowedFrameNavigation('http://127.0.0.1:4780/devices', 'http://127.0.0.1:4780', true)).toBe(true);
    // main.ts installs it before the first window, and hardens the session the windows use.
    expect(calls(main, 'installSecurity')).toHaveLength(1);
    expect(calls(main, 'hardenSession').map((c) => c.arguments[0]!.getText())).toEqual(['session.defaultSession']);
  });

  it('every permission request and check is denied', () => {
    const harden = functionNamed(security, 'hardenSession');
    const request = calls(harden, 'ses.setPermissionRequestHandler')[0]!.arguments[0] as ts.ArrowFunction;
    const callback = request.parameters[2]!.name.getText();
    expect(request.body.getText()).toBe(`${callback}(false)`);
    for (const handler of ['ses.setPermissionCheckHandler', 'ses.setDevicePermissionHandler']) {
      expect((calls(harden, handler)[0]!.arguments[0] as ts.ArrowFunction).body.getText()).toBe('false');
    }
  });

  it('IPC: ipcMain.handle is called in one place, which checks event.senderFrame before anything else', async () => {
    const uses = electronSources('ipcMain').flatMap((f) =>
      findAll(parse(f), (n): n is ts.PropertyAccessExpression => ts.isPropertyAccessExpression(n) && n.expression.getText() === 'ipcMain').map((n) => `${f}: ${n.getText()}`),
    );
    expect(uses).toEqual(['desktop/ipc.ts: ipcMain.handle']);
    const handleCall = calls(parse('desktop/ipc.ts'), 'ipcMain.handle')[0]!;
    const listener = handleCall.arguments[1] as ts.ArrowFunction;
    expect(listener.body.getText()).toBe('invoke(event.senderFrame, args)');
    // The invoker (pure) refuses any frame but our own page's top frame, before parsing or running anything.
    let ran = 0;
    const verb = () => {
      ran++;
      return 'ran';
    };
    const invoke = createVerbInvoker({ args: z.tuple([]), result: z.string() }, verb, () => 'http://127.0.0.1:4780');
    const top = { url: 'http://127.0.0.1:4780/', parent: null };
    const forbidden = { ok: false, error: { code: 'FORBIDDEN_SENDER', message: expect.any(String) } };
    expect(await invoke({ url: 'https://example.com/', parent: null }, [])).toEqual(forbidden);
    expect(await invoke({ url: 'http://127.0.0.1:4780/', parent: top }, [])).toEqual(forbidden);
    expect(await invoke(null, [])).toEqual(forbidden);
    expect(ran).toBe(0);
    expect(await invoke(top, [])).toEqual({ ok: true, value: 'ran' });
  });

  it('every bridge verb (the UI language too) goes through that one handler, and electron-store stays in preferences.ts', () => {
    const registerVerbs = functionNamed(parse('desktop/ipc.ts'), 'registerVerbs');
    expect(registerVerbs.getText()).toContain('Object.keys(desktopVerbs)');
    expect(Object.values(desktopVerbs).map((v) => v.channel)).toEqual(expect.arrayContaining(['fieldstation:get-ui-locale', 'fieldstation:set-ui-locale']));
    // The preload names each verb's channel; the language verbs send only their one argument.
    const preload = parse('preload.ts').getText();
    expect(preload).toContain("getUiLocale: () => ipcRenderer.invoke(channels.getUiLocale)");
    expect(preload).toContain('setUiLocale: (locale) => ipcRenderer.invoke(channels.setUiLocale, locale)');
    const importers = electronSources('electron-store').filter((f) =>
      findAll(parse(f), (n): n is ts.ImportDeclaration => ts.isImportDeclaration(n) && (n.moduleSpecifier as ts.StringLiteral).text === 'electron-store').length > 0,
    );
    expect(importers).toEqual(['desktop/preferences.ts']);
    // The language store itself is pure, so test/unit/desktop-ui-locale.test.ts runs it on a real file.
    const uiLocaleImports = findAll(parse('desktop/ui-locale.ts'), (n): n is ts.ImportDeclaration => ts.isImportDeclaration(n)).map(
      (n) => (n.moduleSpecifier as ts.StringLiteral).text,
    );
    expect(uiLocaleImports).toEqual(['../../shared/preferences.ts']);
  });

  it('the preload exposes named verbs, never ipcRenderer itself', () => {
    const preload = parse('preload.ts');
    const exposed = calls(preload, 'contextBridge.exposeInMainWorld');
    expect(exposed.map((c) => c.arguments[1]!.getText())).toEqual(['bridge']);
    const bridge = findAll(preload, (n): n is ts.VariableDeclaration => ts.isVariableDeclaration(n) && n.name.getText() === 'bridge')[0]!;
    const object = (bridge.initializer as ts.SatisfiesExpression).expression as ts.ObjectLiteralExpression;
    for (const p of object.properties) expect(ts.isPropertyAssignment(p) && ts.isArrowFunction(p.initializer)).toBe(true);
    expect(findAll(object, (n): n is ts.Identifier => ts.isIdentifier(n) && n.text === 'ipcRenderer' && !ts.isPropertyAccessExpression(n.parent))).toEqual([]);
  });
});
