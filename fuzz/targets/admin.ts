import { isIP } from 'node:net';
import { nestsDeeperThan } from '../../electron/station/net/json-depth.ts';
import { adminApi, type MethodName } from '../../shared/api/contract.ts';
import { bodyOf, classOf, encodeRequest, hangAfterMs, statusOf } from '../http-request.ts';
import { mutatedJson } from '../mutate-json.ts';
import { tcpExchange } from '../raw-io.ts';
import type { Rng } from '../rng.ts';
import { type FuzzContext, fixtures, printable, type Target } from '../types.ts';

// The admin API on 127.0.0.1: every method of shared/api/contract.ts with mutated params, with the run's secret
// and without it, plus its other endpoints. Only loopback ever: whatever names a host is pointed back at the sink.

const n = (rng: Rng) => rng.int(1000);
const f = fixtures;

/** A valid params object per method: the starting point of every mutation. Typed so a new method must get one. */
const templates: { [M in MethodName]: (rng: Rng) => unknown } = {
  'station.status': () => ({}),
  'station.listeners.set': (rng) => ({ name: rng.pick(['http', 'mqtt', 'coap']), enabled: rng.chance(0.5) }),
  'station.interfaces': () => ({}),
  'station.ca': () => ({}),
  'station.bind.set': () => ({ address: '127.0.0.1' }),
  'preferences.get': () => ({}),
  'preferences.set': (rng) => ({ locale: rng.pick(['en', 'de', 'en-XA', null]) }),
  'profiles.list': () => ({}),
  'profiles.add': (rng) => ({ name: `fz-p-${n(rng)}`, provisionDeviceKey: `fz-k-${n(rng)}`, provisionDeviceSecret: 's', strategy: rng.pick(['allow-create', 'check-pre-provisioned', 'disabled']) }),
  'profiles.update': (rng) => ({ profile: rng.pick([f.profile, `fz-p-${n(rng)}`]), strategy: 'allow-create', reprovision: rng.pick(['deny', 'reissue-same', 'reissue-new']) }),
  'profiles.usage': (rng) => ({ profile: `fz-p-${n(rng)}` }),
  'profiles.remove': (rng) => ({ profile: `fz-p-${n(rng)}` }),
  'devices.list': (rng) => ({ batch: f.batch, limit: rng.range(1, 50), withCredentials: rng.chance(0.5), search: 'fz' }),
  'devices.get': (rng) => ({ name: rng.pick([f.device, `fz-d-${n(rng)}`]) }),
  'devices.add': (rng) => ({ profile: f.profile, name: `fz-d-${n(rng)}`, batch: f.batch, serial: 'SN', mac: '00:11:22:33:44:55' }),
  'devices.import': (rng) => ({ profile: f.profile, batch: `fz-b-${n(rng)}`, text: `name,serial\nfz-i-${n(rng)},S1\nfz-i-${n(rng)},S2\n`, format: rng.pick(['auto', 'csv', 'json']), dryRun: rng.chance(0.5) }),
  'batches.list': () => ({}),
  'batches.get': () => ({ batch: f.batch }),
  'batches.create': (rng) => ({ name: `fz-b-${n(rng)}`, profile: f.profile, site: 'site', notes: '' }),
  'batches.update': (rng) => ({ batch: rng.pick([f.batch, `fz-b-${n(rng)}`]), notes: 'n', site: 's', language: rng.pick(['en', 'de', undefined]) }),
  // Removals name fuzz-made batches and devices only, so the fixtures every other method uses stay.
  'batches.remove': (rng) => ({ batch: `fz-b-${n(rng)}`, provisioned: rng.pick(['refuse', 'remove']) }),
  'imports.list': (rng) => ({ batch: rng.pick([f.batch, `fz-b-${n(rng)}`]), limit: rng.range(1, 20) }),
  'imports.undo': (rng) => ({ id: rng.range(1, 50), provisioned: rng.pick(['refuse', 'keep', 'remove']) }),
  'devices.removal.preview': (rng) => (rng.chance(0.5) ? { names: [f.device] } : { batch: f.batch }),
  'devices.remove': (rng) => ({ names: [`fz-d-${n(rng)}`, `fz-i-${n(rng)}`], provisioned: rng.pick(['refuse', 'keep', 'remove']) }),
  'devices.setProfile': (rng) => ({ names: [`fz-d-${n(rng)}`], profile: f.profile }),
  'tokens.issue': (rng) => ({ batch: f.batch, perDevice: rng.chance(0.3), uses: rng.range(1, 10), expires: rng.pick(['1d', '30m', '2030-01-01T00:00:00Z']), ...(rng.chance(0.1) ? { pin: '1234' } : {}) }),
  'tokens.list': () => ({ batch: f.batch }),
  'tokens.revoke': (rng) => (rng.chance(0.5) ? { id: rng.range(1, 50) } : { batch: `fz-b-${n(rng)}` }),
  'tokens.reissue': (rng) => ({ id: rng.range(1, 50) }),
  'tokens.allowMore': (rng) => ({ id: rng.range(1, 50), uses: rng.range(1, 3) }),
  'tokens.unlock': (rng) => ({ id: rng.range(1, 50), secret: rng.pick(['1234', 'wrong-secret']) }),
  'tokens.printable': (rng) => ({ id: rng.range(1, 50) }),
  'labels.templates': () => ({}),
  'labels.check': (rng) => ({ batch: f.batch, template: rng.pick(['avery-5160', 'zebra-2x1', 'nope']), payload: rng.pick(['token', 'url', 'json']) }),
  'labels.offsets.get': () => ({}),
  'labels.offsets.set': (rng) => ({ template: rng.pick(['avery-5160', 'zebra-2x1']), x: 0.5, y: -0.5 }),
  'labels.history': () => ({ device: f.device, limit: 5 }),
  'labels.sendToPrinter': () => ({ batch: f.batch, template: 'zebra-2x1', host: '127.0.0.1', port: 9100 }),
  'labels.cancel': () => ({ job: 'fuzz-job-0001' }),
  'labels.markPrinted': () => ({ job: 'fuzz-job-0001' }),
  'devices.locate': (rng) => ({ scanned: rng.pick([f.device, 'FS1:ABCDEFGHJK', 'http://127.0.0.1/onboard/ABC\r\n']) }),
  'devices.events': () => ({ name: f.device, limit: 10 }),
  'devices.lookup': (rng) => ({ scanned: rng.pick([f.device, 'FS1:ABCDEFGHJK', 'NOT-A-LABEL']) }),
  'handover.start': (rng) => ({ target: `fz-t-${rng.int(5)}`, batch: f.batch, endpoint: { host: '127.0.0.1', mqttPort: rng.range(1, 65535) } }),
  'handover.status': (rng) => ({ batch: f.batch, limit: rng.range(1, 100) }),
  'handover.settings.get': () => ({ profile: f.profile }),
  'handover.settings.set': (rng) => ({ profile: f.profile, settings: { confirmKey: 'cloudAck', timeoutMs: rng.range(1000, 100_000) } }),
  'attributes.set': (rng) => ({ level: rng.pick(['profile', 'batch', 'device']), name: rng.pick([f.profile, f.batch, f.device]), values: { fz: rng.int(100), gone: null } }),
  'attributes.list': () => ({ device: f.device }),
  'attributes.authored': (rng) => ({ level: rng.pick(['profile', 'batch', 'device']), name: rng.pick([f.profile, f.batch, f.device]) }),
  'rpc.send': (rng) => ({ device: f.device, method: 'blink', params: { n: rng.int(3) }, timeoutMs: rng.range(1, 200) }),
  'devices.markInstalled': () => ({ name: f.device, note: 'rack 3' }),
  // Never the sentinel device: dropping its credentials would make the fuzzer's own valid telemetry fail.
  'devices.reset': (rng) => ({ name: `fz-d-${n(rng)}`, keepCredentials: rng.chance(0.5) }),
  'provisioning.summary': () => ({ since: '2020-01-01T00:00:00Z' }),
  'provisioning.attempts': (rng) => ({ limit: rng.range(1, 100) }),
  'sync.targets.list': () => ({}),
  'sync.targets.add': (rng) => ({ name: `fz-t-${rng.int(5)}`, type: 'webhook', url: 'http://127.0.0.1/', secret: '0123456789abcdef0123' }),
  'sync.targets.remove': (rng) => ({ name: `fz-t-${rng.int(5)}` }),
  'sync.targets.update': (rng) => ({ name: `fz-t-${rng.int(5)}`, url: 'http://127.0.0.1/' }),
  'sync.targets.test': (rng) => ({ name: `fz-t-${rng.int(5)}` }),
  'sync.status': () => ({}),
  'sync.devices': () => ({ limit: 10 }),
  'sync.run': () => ({}),
  'sync.retry': () => ({ states: ['error'] }),
  'sync.bundle.export': () => ({ batch: f.batch }),
  'sync.bundle.import': () => ({ text: '{"format":"fieldstation-bundle","devices":[]}' }),
};

const methods = Object.keys(adminApi) as MethodName[];
// The methods whose params may be megabytes (admin-server.ts).
const largeBodyMethods = new Set(['devices.import', 'sync.bundle.import', 'labels.check', 'labels.sendToPrinter']);

/**
 * Keeps every mutated call on loopback: a sync target's URL and a printer's address go to the sink, and the device
 * listeners never move off 127.0.0.1. Unparseable text is left alone (the server cannot read it either).
 */
function keepOnLoopback(method: string, text: string, ctx: FuzzContext): string {
  const outward = ['sync.targets.add', 'sync.targets.update', 'sync.targets.test', 'labels.sendToPrinter', 'station.bind.set'];
  if (!outward.includes(method)) return text;
  // Megabytes of `[[[…` are refused by the station before it parses them (admin-server.ts); JSON.parse here would
  // build millions of arrays and block the fuzzer's own loop for seconds, so that every answer in flight was judged
  // a hang (44 "hangs" of an earlier seed-7 run).
  if (nestsDeeperThan(Buffer.from(text, 'utf8'), 64)) return text;
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof params !== 'object' || params === null) return text;
  const p = params as Record<string, unknown>;
  if (typeof p.url === 'string') p.url = `http://127.0.0.1:${ctx.sinkPort}/hook`;
  if ('host' in p) p.host = '127.0.0.1';
  if ('port' in p) p.port = ctx.sinkPort;
  if (typeof p.address === 'string' && isIP(p.address.trim())) p.address = '127.0.0.1';
  try {
    return JSON.stringify(params);
  } catch {
    return '{}'; // nested past JSON.stringify's stack: the fuzzer's own limit, not the station's
  }
}

type Auth = 'secret' | 'cookie' | 'none' | 'wrong' | 'jwt' | 'foreign';

function adminTarget(name: string, auths: readonly (readonly [number, Auth])[]): Target {
  return {
    name,
    generate(rng) {
      const auth = rng.weighted(auths);
      const kind = rng.weighted([[85, 'rpc'], [5, 'token'], [4, 'other'], [3, 'labels'], [3, 'events']] as const);
      const method = rng.chance(0.97) ? rng.pick(methods) : rng.pick(['nope', 'station', '__proto__', 'constructor', 'devices.list.x', 'toString']);
      const maxBytes = rng.chance(0.05) ? 200_000 : 2048;
      let path = `/api/rpc/${method}`;
      let verb = 'POST';
      let text = '';
      if (kind === 'rpc') {
        const template = Object.hasOwn(templates, method) ? templates[method as MethodName](rng) : {};
        text = rng.chance(0.15) ? JSON.stringify(template) : mutatedJson(rng, template, { maxBytes });
        // Now and then far past any params: megabytes of nesting, or of one string. (Not a string to the import and
        // label methods, which take up to 64 MB on purpose: an import of megabytes is real work, measured by the bench.)
        if (rng.chance(0.01)) {
          const size = rng.range(1, 8) * 2 ** 20;
          const nesting = rng.chance(0.5) || largeBodyMethods.has(method);
          text = nesting ? '['.repeat(size) : JSON.stringify({ ...(template as object), text: 'x'.repeat(size) });
        }
      } else if (kind === 'token') {
        path = rng.pick(['/api/token/create', '/api/token/refresh']);
        const template = path.endsWith('create') ? { payload: { actions: ['GetDevice', 'ManageToken'], batchIds: [1], expiration: '2030-01-01T00:00:00Z' } } : { refreshToken: 'a.b.c' };
        text = mutatedJson(rng, template, { maxBytes });
      } else if (kind === 'labels') {
        verb = 'GET';
        path = `/api/labels.${rng.pick(['pdf', 'zpl', 'png'])}?batch=${rng.pick([f.batch, '%zz', ''])}&template=${rng.pick(['avery-5160', 'zebra-2x1', 'x'])}&dpi=${rng.pick(['203', '-1', '1e9', 'x'])}&copies=${rng.pick(['1', '0', '99999'])}`;
      } else if (kind === 'events') {
        verb = 'GET';
        path = '/api/events';
      } else {
        verb = rng.pick(['GET', 'POST', 'DELETE', 'OPTIONS']);
        path = rng.pick(['/api/status', '/healthz', '/', '/?token=wrong', '/index.html', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/%00', '/api/', '/api/rpc/', `/api/rpc/${'a'.repeat(5000)}`]);
      }
      const summary = `${auth} ${verb} ${path.slice(0, 80)}`;
      let chunks: Buffer[] | null = null;
      const build = (ctx: FuzzContext): Buffer[] => {
        const host = auth === 'foreign' ? rng.pick(['evil.example:80', `localhost.evil:${ctx.ports.ui}`, '']) : `127.0.0.1:${ctx.ports.ui}`;
        const headers: [string, string][] = [['Host', host]];
        if (auth === 'foreign') headers.push(['Origin', 'http://evil.example']);
        if (auth === 'secret' || auth === 'foreign') headers.push(['Authorization', `Bearer ${ctx.secret}`]);
        if (auth === 'cookie') headers.push(['Cookie', `fieldstation_${ctx.ports.ui}=${encodeURIComponent(ctx.secret)}`]);
        if (auth === 'wrong') headers.push(['Authorization', `Bearer ${ctx.secret.slice(0, -1)}x`]);
        if (auth === 'jwt') headers.push(['Authorization', `Bearer ${rng.pick(['a.b.c', 'eyJhbGciOiJub25lIn0.eyJhIjoxfQ.', `${'x'.repeat(100)}.y.z`])}`]);
        headers.push(['Content-Type', 'application/json']);
        const body = Buffer.from(keepOnLoopback(method, text, ctx), 'utf8');
        return encodeRequest(rng, { method: verb, path, headers, body }, 0.15);
      };
      return {
        summary,
        show: () => (chunks ? printable(Buffer.concat(chunks)) : `${summary}\n${printable(text)}`),
        async run(ctx) {
          chunks ??= build(ctx);
          const events = kind === 'events';
          const outcome = await tcpExchange({ port: ctx.ports.ui, chunks, mode: events ? 'linger' : 'answer', graceMs: 150, quietMs: events ? 50 : 20, deadlineMs: hangAfterMs, keep: 4096 });
          if (outcome.hung) return { kind: 'hang', detail: `no answer and no close within ${hangAfterMs} ms (${outcome.trace})` };
          const status = statusOf(outcome.reply);
          const body = bodyOf(outcome.reply);
          if (status === 500 || /"code":"internal"/.test(body)) return { kind: 'internal', detail: `${status}: ${body.slice(0, 400)}` };
          const authorized = auth === 'secret' || auth === 'cookie';
          // (A damaged request line can turn /api/… into a UI path: the UI's index.html is public, an API answer is not.)
          if (!authorized && status === 200 && /^\{"ok":true/.test(body) && kind !== 'token' && !path.startsWith('/healthz')) {
            return { kind: 'wrong', detail: `answered 200 without the secret: ${body.slice(0, 200)}` };
          }
          return { kind: 'ok', class: classOf(outcome), bytes: outcome.bytes };
        },
      };
    },
  };
}

export const adminWithSecret = adminTarget('admin-secret', [[9, 'secret'], [1, 'cookie']]);
export const adminWithout = adminTarget('admin-no-secret', [[3, 'none'], [3, 'wrong'], [2, 'jwt'], [2, 'foreign']]);
