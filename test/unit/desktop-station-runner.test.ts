import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { Station, StationInfo, StationOptions } from '../../electron/station/station.ts';
import type { EngineMessage } from '../../electron/desktop/station-protocol.ts';
import { type ParentPortLike, runStationProcess } from '../../electron/desktop/station-runner.ts';

const info: StationInfo = {
  uiUrl: 'http://127.0.0.1:4780/?token=secret-secret-secret',
  listeners: [{ name: 'ui', address: '127.0.0.1', port: 4780, url: 'http://127.0.0.1:4780/', enabled: true, lanUrls: [] }],
  dataDir: '/data',
};
const startMessage = { type: 'start', dataDir: '/data', uiPort: 4780, secret: 'secret-secret-secret' };

function harness(station: Partial<Station> = {}) {
  let onMessage: (event: { data: unknown }) => void = () => {};
  const posted: EngineMessage[] = [];
  const port: ParentPortLike = {
    on: (_event, listener) => {
      onMessage = listener;
    },
    postMessage: (message) => posted.push(message),
  };
  const fake: Station = {
    start: vi.fn(async () => info),
    stop: vi.fn(async () => {}),
    engine: null,
    ...station,
  };
  const created: StationOptions[] = [];
  const exit = vi.fn<(code: number) => void>();
  runStationProcess({
    port,
    createStation: (options) => {
      created.push(options);
      return fake;
    },
    uiDir: '/app/dist/renderer/',
    exit,
    log: () => {},
  });
  const send = async (data: unknown) => {
    onMessage({ data });
    await new Promise((resolve) => setImmediate(resolve)); // the fakes settle in microtasks
  };
  return { send, posted, created, exit, fake };
}

describe('station process runner', () => {
  it('starts the station with the options from main and reports ready with its URL', async () => {
    const { send, posted, created, exit } = harness();
    await send(startMessage);
    expect(created).toEqual([
      expect.objectContaining({ dataDir: '/data', ports: { ui: 4780 }, secret: 'secret-secret-secret', uiDir: '/app/dist/renderer/' }),
    ]);
    expect(posted).toEqual([{ type: 'ready', uiUrl: info.uiUrl, info }]);
    expect(exit).not.toHaveBeenCalled();
  });

  it('starts the desktop station with every device listener off (the technician switches them on)', async () => {
    const { send, created } = harness();
    await send(startMessage);
    expect(created[0]?.deviceListeners).toEqual([]);
    // The admin UI still listens (on 127.0.0.1): only the LAN side waits for the technician.
    expect(created[0]?.ports).toEqual({ ui: 4780 });
  });

  it('reports a start error with its code, cleans up and exits 1', async () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4780'), { code: 'EADDRINUSE' });
    const { send, posted, exit, fake } = harness({ start: vi.fn(async () => Promise.reject(error)) });
    await send(startMessage);
    expect(posted).toEqual([{ type: 'error', message: error.message, code: 'EADDRINUSE' }]);
    expect(fake.stop).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('stops on request and exits 0', async () => {
    const { send, exit, fake } = harness();
    await send(startMessage);
    await send({ type: 'stop' });
    expect(fake.stop).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('a stop during start waits for the start, reports no ready, then stops', async () => {
    let finishStart!: (value: StationInfo) => void;
    const { send, posted, exit, fake } = harness({
      start: vi.fn(() => new Promise<StationInfo>((resolve) => (finishStart = resolve))),
    });
    await send(startMessage);
    await send({ type: 'stop' });
    expect(fake.stop).not.toHaveBeenCalled();
    finishStart(info);
    await send(undefined);
    expect(posted).toEqual([]);
    expect(fake.stop).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('ignores malformed and repeated start messages', async () => {
    const { send, created } = harness();
    await send({ type: 'start', dataDir: '', uiPort: -1, secret: 'x' });
    await send('start');
    expect(created).toHaveLength(0);
    await send(startMessage);
    await send(startMessage);
    expect(created).toHaveLength(1);
  });
});

describe('the engine entry point', () => {
  it('never imports electron (a utility process has none)', () => {
    for (const file of ['station-process.ts', 'station-runner.ts', 'station-protocol.ts']) {
      const source = readFileSync(new URL(`../../electron/desktop/${file}`, import.meta.url), 'utf8');
      expect(source, file).not.toMatch(/from\s+['"]electron(\/|['"])/);
    }
  });
});
