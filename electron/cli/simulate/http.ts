import { request } from 'node:http';
import { accessTokenOf, clip, exchange, parseAnswer } from './answer.ts';
import type { ProtocolClient, ProvisionAnswer, SimTarget } from './types.ts';

/**
 * A device speaking ThingsBoard's HTTP device API: one fresh connection per request (`agent: false`), as a device
 * that wakes up, posts and goes back to sleep.
 */
export function httpClient(target: SimTarget): ProtocolClient {
  return {
    async provision(body, timeoutMs) {
      const reply = await post(target, '/api/v1/provision', 'HTTP provision', JSON.stringify(body), timeoutMs);
      // Every provisioning outcome is HTTP 200 (ThingsBoard's DeviceApiController); anything else is an error.
      if (reply.code !== 200) throw new Error(`HTTP ${reply.code}: ${errorMessage(reply.text)}`);
      return parseAnswer(reply.text) satisfies ProvisionAnswer;
    },
    async telemetry(credentials, payload, timeoutMs) {
      const token = encodeURIComponent(accessTokenOf(credentials));
      const reply = await post(target, `/api/v1/${token}/telemetry`, 'HTTP telemetry', payload, timeoutMs);
      if (reply.code !== 200) throw new Error(`telemetry: HTTP ${reply.code}: ${errorMessage(reply.text)}`);
    },
  };
}

function post(target: SimTarget, path: string, what: string, body: string, timeoutMs: number): Promise<{ code: number; text: string }> {
  return exchange(what, timeoutMs, (x) => {
    const req = request({
      host: target.host,
      port: target.port,
      path,
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => x.ok({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', x.fail);
    });
    req.on('error', x.fail);
    req.end(body);
    return () => req.destroy();
  });
}

function errorMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { errorMsg?: unknown };
    if (typeof json.errorMsg === 'string') return json.errorMsg;
  } catch {}
  return clip(text) || 'no body';
}
