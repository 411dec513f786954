// Helpers for tests: read the fake cloud back over its own REST API (as an operator would check ThingsBoard),
// and a clock that tests move by hand instead of sleeping.

export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

export function manualClock(start = Date.parse('2026-03-01T08:00:00Z')): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export type CloudDeviceJson = Record<string, unknown> & { id: { entityType: string; id: string }; name: string };

export interface CloudReader {
  /** GET with a tenant-admin JWT; returns status and parsed JSON (or text). */
  get(path: string): Promise<{ status: number; body: unknown }>;
  deviceByName(name: string): Promise<CloudDeviceJson | null>;
  credentialsOf(deviceId: string): Promise<Record<string, unknown>>;
  /** SERVER_SCOPE attributes as a plain object. */
  serverAttributesOf(deviceId: string): Promise<Record<string, unknown>>;
  /** SHARED_SCOPE attributes as a plain object. */
  sharedAttributesOf(deviceId: string): Promise<Record<string, unknown>>;
}

export function cloudReader(
  url: string,
  login = { username: 'tenant@thingsboard.org', password: 'tenant' },
): CloudReader {
  let token: string | undefined;
  const auth = async () => {
    if (token) return token;
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(login),
    });
    if (res.status !== 200) throw new Error(`test login failed: ${res.status} ${await res.text()}`);
    token = ((await res.json()) as { token: string }).token;
    return token;
  };
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { headers: { 'X-Authorization': `Bearer ${await auth()}` } });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // text/plain answers stay text
    }
    return { status: res.status, body };
  };
  return {
    get,
    async deviceByName(name) {
      const r = await get(`/api/tenant/devices?deviceName=${encodeURIComponent(name)}`);
      return r.status === 200 ? (r.body as CloudDeviceJson) : null;
    },
    async credentialsOf(deviceId) {
      return (await get(`/api/device/${deviceId}/credentials`)).body as Record<string, unknown>;
    },
    async serverAttributesOf(deviceId) {
      const r = await get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/attributes/SERVER_SCOPE`);
      const list = r.body as Array<{ key: string; value: unknown }>;
      return Object.fromEntries(list.map((a) => [a.key, a.value]));
    },
    async sharedAttributesOf(deviceId) {
      const r = await get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/attributes/SHARED_SCOPE`);
      const list = r.body as Array<{ key: string; value: unknown }>;
      return Object.fromEntries(list.map((a) => [a.key, a.value]));
    },
  };
}
