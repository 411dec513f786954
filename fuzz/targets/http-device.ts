import { bodyOf, classOf, encodeRequest, hangAfterMs, type RequestSpec, statusOf } from '../http-request.ts';
import { mutatedJson } from '../mutate-json.ts';
import { tcpExchange } from '../raw-io.ts';
import type { Rng } from '../rng.ts';
import { type FuzzInput, fixtures, printable, type Target } from '../types.ts';

// ThingsBoard's HTTP device API on the LAN port: provisioning, first contact, the onboarding page, and the rest.

export const provisionTemplate = (rng: Rng) => ({
  deviceName: `fz-${rng.int(1e9).toString(36)}`,
  provisionDeviceKey: fixtures.provisionKey,
  provisionDeviceSecret: fixtures.provisionSecret,
  ...(rng.chance(0.3) ? { credentialsType: rng.pick(['ACCESS_TOKEN', 'MQTT_BASIC', 'X509_CERTIFICATE']), token: `t${rng.int(1e9)}` } : {}),
  ...(rng.chance(0.1) ? { clientId: 'c', username: 'u', password: 'p' } : {}),
  ...(rng.chance(0.1) ? { gateway: true } : {}),
});

export const telemetryTemplate = (rng: Rng): unknown =>
  rng.pick([
    { temperature: 21.5, humidity: 40, on: true, mode: 'eco' },
    { ts: 1_700_000_000_000, values: { temperature: 22, json: { a: [1, 2] } } },
    [{ ts: 1_700_000_000_000, values: { a: 1 } }, { ts: 1_700_000_000_001, values: { b: 'x' } }],
  ]);

export const attributesTemplate = (): unknown => ({ firmwareVersion: '1.0.2', serialNumber: 'SN-1', config: { interval: 60 } });

const tokenPaths = () => [fixtures.deviceToken, 'unknownToken123', '%00', '%zz', '..%2F..', 'a'.repeat(300), '%F0%9F%98%80', 'é'];

export const httpDevice: Target = {
  name: 'http-device',
  generate(rng) {
    const kind = rng.weighted([
      [40, 'provision'],
      [25, 'telemetry'],
      [12, 'attributes'],
      [8, 'onboard'],
      [10, 'odd-path'],
      [5, 'valid'],
    ] as const);
    if (kind === 'valid') return validInput(rng);
    let path: string;
    let body: Buffer;
    const maxBytes = rng.chance(0.05) ? 300_000 : 4096;
    if (kind === 'provision') {
      path = '/api/v1/provision';
      body = Buffer.from(mutatedJson(rng, provisionTemplate(rng), { maxBytes }), 'utf8');
    } else if (kind === 'telemetry' || kind === 'attributes') {
      path = `/api/v1/${rng.chance(0.8) ? fixtures.deviceToken : rng.pick(tokenPaths())}/${kind}`;
      body = Buffer.from(mutatedJson(rng, kind === 'telemetry' ? telemetryTemplate(rng) : attributesTemplate(), { maxBytes }), 'utf8');
    } else if (kind === 'onboard') {
      path = `/onboard/${rng.pick(['ABCDEFGHJK', 'x'.repeat(64), 'x'.repeat(65), '%41', 'é', '', 'K?x=1', 'K#f'])}`;
      body = Buffer.alloc(0);
    } else {
      path = rng.pick(['/', '*', '//api/v1/provision', '/api/v1/provision/', '/api/v1//telemetry', '/API/V1/PROVISION', '/api/v1/provision?x=%zz', `/${'a/'.repeat(3000)}`, 'http://evil/api/v1/provision', '/api/v1/%/telemetry', '/onboard/../api']);
      body = rng.bytes(rng.int(64));
    }
    if (rng.chance(0.03)) body = Buffer.concat([body, Buffer.alloc(rng.range(65_000, 1_200_000), 0x20)]); // oversized
    const method = kind === 'onboard' ? rng.weighted([[6, 'GET'], [1, 'HEAD'], [1, 'POST'], [1, 'DELETE']] as const) : rng.weighted([[12, 'POST'], [1, 'GET'], [1, 'PUT'], [1, 'OPTIONS'], [1, 'PATCH'], [1, 'BREW'], [1, 'CONNECT']] as const);
    const headers: [string, string][] = [['Host', '127.0.0.1']];
    if (rng.chance(0.8)) headers.push(['Content-Type', 'application/json']);
    const spec: RequestSpec = { method, path, headers, body };
    const chunks = encodeRequest(rng, spec, 0.35);
    const bytes = Buffer.concat(chunks);
    return {
      summary: `${method} ${path.slice(0, 60)} (${bytes.length} bytes, ${chunks.length} writes)`,
      show: () => printable(bytes),
      async run(ctx) {
        const outcome = await tcpExchange({ port: ctx.ports.http, chunks, mode: 'answer', graceMs: 150, quietMs: 20, deadlineMs: hangAfterMs, keep: 2048 });
        if (outcome.hung) return { kind: 'hang', detail: `no answer and no close within ${hangAfterMs} ms (${outcome.trace})` };
        if (statusOf(outcome.reply) === 500) return { kind: 'internal', detail: `500: ${bodyOf(outcome.reply).slice(0, 300)}` };
        return { kind: 'ok', class: classOf(outcome) };
      },
    };
  },
};

/** An undamaged request whose answer is known: a provisioning SUCCESS, or telemetry accepted. */
function validInput(rng: Rng): FuzzInput {
  const provision = rng.chance(0.5);
  const body = provision
    ? JSON.stringify({ deviceName: `fz-valid-${rng.int(1e12).toString(36)}`, provisionDeviceKey: fixtures.provisionKey, provisionDeviceSecret: fixtures.provisionSecret })
    : JSON.stringify({ temperature: rng.int(100) });
  const path = provision ? '/api/v1/provision' : `/api/v1/${fixtures.deviceToken}/telemetry`;
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const bytes = Buffer.from(head + body);
  return {
    summary: `valid ${provision ? 'provision' : 'telemetry'}`,
    show: () => printable(bytes),
    async run(ctx) {
      const outcome = await tcpExchange({ port: ctx.ports.http, chunks: [bytes], mode: 'answer', graceMs: hangAfterMs, quietMs: 20, deadlineMs: hangAfterMs });
      if (outcome.hung) return { kind: 'hang', detail: `no answer within ${hangAfterMs} ms (${outcome.trace})` };
      const status = statusOf(outcome.reply);
      const answer = bodyOf(outcome.reply);
      if (status !== 200) return { kind: 'wrong', detail: `expected 200, got ${status ?? 'no HTTP answer'}: ${answer.slice(0, 200)}` };
      if (provision && !/"status":"SUCCESS"/.test(answer)) return { kind: 'wrong', detail: `expected SUCCESS, got ${answer.slice(0, 200)}` };
      return { kind: 'ok', class: 'valid-200' };
    },
  };
}
