// Registers the bridge verbs with ipcMain, each behind the sender check and argument parsing of
// ipc-core.ts (VS Code's validatedIpcMain is the model).
import { ipcMain } from 'electron';
import { desktopVerbs, type DesktopVerb } from '../../shared/desktop-bridge.ts';
import { createVerbInvoker, type VerbHandlers, type VerbSchemas } from './ipc-core.ts';

/** The one way to answer the renderer: `ipcMain.handle` is not called anywhere else. */
export function handle<A extends unknown[], R>(
  channel: string,
  schemas: VerbSchemas<A, R>,
  fn: (...args: A) => R | Promise<R>,
  appOrigin: () => string | null,
): void {
  const invoke = createVerbInvoker(schemas, fn, appOrigin);
  ipcMain.handle(channel, (event, ...args: unknown[]) => invoke(event.senderFrame, args));
}

export function registerVerbs(handlers: VerbHandlers, appOrigin: () => string | null): void {
  const register = <V extends DesktopVerb>(verb: V) => {
    const spec = desktopVerbs[verb];
    handle(spec.channel, spec as unknown as VerbSchemas<unknown[], unknown>, handlers[verb] as (...args: unknown[]) => unknown, appOrigin);
  };
  for (const verb of Object.keys(desktopVerbs) as DesktopVerb[]) register(verb);
}
