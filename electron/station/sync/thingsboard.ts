import { TbClient } from './thingsboard/client.ts';
import { TbDevices } from './thingsboard/devices.ts';
import { TbHttp } from './thingsboard/http.ts';
import { TbProfiles } from './thingsboard/profiles.ts';
import { TbSession } from './thingsboard/session.ts';
import { TbTelemetry } from './thingsboard/telemetry.ts';
import type { ThingsBoardTarget, ThingsBoardTargetOptions } from './thingsboard/types.ts';

// The ThingsBoard REST target of sync: log in, make sure the profile exists, create each device with its
// credentials exactly once, set its server and shared attributes, save its site telemetry. The outbox worker
// drives it; failures are TargetErrors.

export type {
  CallOptions,
  CloudDevice,
  CredentialsSummary,
  DeviceToSync,
  LocalCredentials,
  TelemetryPointJson,
  ThingsBoardAuth,
  ThingsBoardTarget,
  ThingsBoardTargetOptions,
  UpsertResult,
  WritableScope,
} from './thingsboard/types.ts';
export { TargetError, isTargetError, type TargetFailure, type TargetFailureKind } from './http-errors.ts';
export { BAD_LOGIN_MESSAGE } from './thingsboard/session.ts';

const DEFAULT_TIMEOUT_MS = 20_000;

export function createThingsBoardTarget(options: ThingsBoardTargetOptions): ThingsBoardTarget {
  const base = new URL(options.url);
  const now = options.now ?? Date.now;
  const http = new TbHttp({
    baseUrl: `${base.origin}${base.pathname.replace(/\/+$/, '')}`,
    fetch: options.fetch ?? globalThis.fetch,
    now,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    cloud: `ThingsBoard (${base.host})`,
  });
  const session = new TbSession(http, options.auth, now);
  const client = new TbClient(http, session, options.auth);
  const profiles = new TbProfiles(client, options.allowCreateProfiles ?? false);
  const devices = new TbDevices(client, profiles);
  const telemetry = new TbTelemetry(client);

  return {
    kind: 'thingsboard',
    async login(opts) {
      if (options.auth.kind === 'password') return session.loginNow();
      // An API key has no login; the cheapest authenticated read proves it works.
      const answer = await client.call('GET', '/api/deviceProfileInfos?pageSize=1&page=0', { signal: opts?.signal });
      if (answer.status !== 200) http.fail(answer, 'list device profiles');
    },
    ensureProfile: (name, opts) => profiles.ensure(name, opts?.signal),
    findDevice: (name, opts) => devices.find(name, opts?.signal),
    upsertDevice: (device, opts) => devices.upsert(device, opts?.signal),
    setServerAttributes: (cloudId, attributes, opts) => devices.setServerAttributes(cloudId, attributes, opts?.signal),
    setAttributes: (cloudId, scope, attributes, opts) => devices.setAttributes(cloudId, scope, attributes, opts?.signal),
    saveTelemetry: (cloudId, points, opts) => telemetry.save(cloudId, points, opts?.signal),
    startRound: () => profiles.startRound(),
  };
}
