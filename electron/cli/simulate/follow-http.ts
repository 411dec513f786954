import { request } from 'node:http';
import { accessTokenOf, exchange } from './answer.ts';
import { endpointIn, type Follower, pause } from './follow-handover.ts';
import type { SimTarget } from './types.ts';

function call(target: SimTarget, method: 'GET' | 'POST', path: string, body: string | null, timeoutMs: number) {
  return exchange<{ code: number; text: string }>(`HTTP ${method} ${path}`, timeoutMs, (x) => {
    const req = request({ host: target.host, port: target.port, path, method, agent: false, headers: body === null ? {} : { 'content-type': 'application/json' } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => x.ok({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', x.fail);
    req.end(body ?? undefined);
    return () => req.destroy();
  });
}

/**
 * Over HTTP, as a sleepy device: ask for the shared attributes, and between asks wait on the long-poll for updates
 * (DeviceApiController's GET /attributes/updates); a station that is down is simply asked again later.
 */
export const followOverHttp: Follower = async (station, credentials, o) => {
  const token = encodeURIComponent(accessTokenOf(credentials));
  const keys = encodeURIComponent([o.names.host, o.names.httpPort].join(','));
  let endpoint: SimTarget | null = null;
  while (endpoint === null && Date.now() < o.deadline) {
    try {
      const now = await call(station, 'GET', `/api/v1/${token}/attributes?sharedKeys=${keys}`, null, 5000);
      if (now.code === 200) endpoint = endpointIn((JSON.parse(now.text) as { shared?: Record<string, unknown> }).shared ?? {}, o.names, 'http');
      if (endpoint === null) {
        const wait = Math.max(1, Math.min(5000, o.deadline - Date.now()));
        const update = await call(station, 'GET', `/api/v1/${token}/attributes/updates?timeout=${wait}`, null, wait + 2000);
        if (update.code === 200 && update.text) endpoint = endpointIn(JSON.parse(update.text) as Record<string, unknown>, o.names, 'http');
      }
    } catch {
      await pause(500, o.deadline);
    }
  }
  if (endpoint === null) return { moved: false, accepted: false, endpoint: null, error: 'no hand-over reached the device in time' };
  let acked = false;
  while (!acked && Date.now() < o.deadline) {
    try {
      acked = (await call(station, 'POST', `/api/v1/${token}/attributes`, JSON.stringify({ [o.names.confirmKey]: endpoint.host }), 5000)).code === 200;
    } catch {}
    if (!acked) await pause(500, o.deadline);
  }
  if (!acked) return { moved: false, accepted: false, endpoint, error: 'the station did not take the acknowledgement' };
  try {
    const at = await call(endpoint, 'POST', `/api/v1/${token}/telemetry`, o.payload, Math.max(1, o.deadline - Date.now()));
    return at.code === 200 ? { moved: true, accepted: true, endpoint } : { moved: true, accepted: false, endpoint, error: `the cloud answered HTTP ${at.code}` };
  } catch (err) {
    return { moved: true, accepted: false, endpoint, error: (err as Error).message };
  }
};
