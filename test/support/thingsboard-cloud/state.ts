import { randomUUID } from 'node:crypto';
import { type FormattedCredentials, formatCredentials } from './credentials.ts';
import { TbMessage, badRequest, notFound } from './replies.ts';

// One ThingsBoard tenant in memory. Behaviour follows DeviceServiceImpl / DeviceProfileServiceImpl /
// DeviceCredentialsDataValidator; JSON follows Device, DeviceCredentials, DeviceProfile, DeviceProfileInfo (common/data).

const NULL_UUID = '13814000-1dd2-11b2-8080-808080808080'; // ModelConstants.NULL_UUID: "no customer"

export interface StoredDevice {
  id: string;
  createdTime: number;
  name: string;
  type: string;
  label: string | null;
  deviceProfileId: string;
  additionalInfo: unknown;
  version: number;
}

export interface StoredCredentials extends FormattedCredentials {
  id: string;
  createdTime: number;
  deviceId: string;
  version: number;
}

export interface StoredProfile {
  id: string;
  createdTime: number;
  name: string;
  description: string | null;
  isDefault: boolean;
  type: string;
  transportType: string;
  provisionType: string;
  profileData: unknown;
  version: number;
}

export interface StoredAttribute {
  lastUpdateTs: number;
  value: unknown;
}

/** What was applied, for exactly-once assertions. */
export type AppliedWrite =
  | { kind: 'device'; name: string; id: string }
  | { kind: 'profile'; name: string; id: string }
  | { kind: 'attributes'; deviceId: string; keys: string[]; scope: 'SERVER_SCOPE' | 'SHARED_SCOPE' }
  /** One saveEntityTelemetry request: `points` (key, ts) pairs received, `added` of them new to the device. */
  | { kind: 'telemetry'; deviceId: string; points: number; added: number };

/** A stored timeseries value (ts_kv: one per entity, key and ts). */
export interface StoredPoint {
  ts: number;
  key: string;
  value: unknown;
}

export class TenantState {
  readonly tenantId = randomUUID();
  readonly users = new Map<string, { password: string; userId: string }>();
  readonly apiKeys = new Set<string>();
  readonly devices = new Map<string, StoredDevice>();
  readonly credentials = new Map<string, StoredCredentials>(); // by deviceId
  readonly profiles = new Map<string, StoredProfile>();
  readonly attributes = new Map<string, Map<string, StoredAttribute>>(); // SERVER_SCOPE, by deviceId
  readonly sharedAttributes = new Map<string, Map<string, StoredAttribute>>(); // SHARED_SCOPE, by deviceId
  /** By deviceId, then `${key}\u0000${ts}`: like ts_kv's primary key, a repeated point overwrites, never duplicates. */
  readonly timeseries = new Map<string, Map<string, StoredPoint>>();

  constructor(
    private readonly now: () => number,
    private readonly onWrite: (w: AppliedWrite) => void,
  ) {}

  // --- reads -------------------------------------------------------------------------------------------------------

  deviceByName(name: string): StoredDevice | undefined {
    for (const d of this.devices.values()) if (d.name === name) return d;
    return undefined;
  }

  profileByName(name: string): StoredProfile | undefined {
    for (const p of this.profiles.values()) if (p.name === name) return p;
    return undefined;
  }

  credentialsByCredentialsId(credentialsId: string): StoredCredentials | undefined {
    for (const c of this.credentials.values()) if (c.credentialsId === credentialsId) return c;
    return undefined;
  }

  serverAttributes(deviceId: string): Record<string, unknown> {
    return Object.fromEntries([...(this.attributes.get(deviceId) ?? new Map())].map(([k, a]) => [k, a.value]));
  }

  sharedAttributesOf(deviceId: string): Record<string, unknown> {
    return Object.fromEntries([...(this.sharedAttributes.get(deviceId) ?? new Map())].map(([k, a]) => [k, a.value]));
  }

  /** Every stored point of a device, by ts then key. */
  pointsOf(deviceId: string): StoredPoint[] {
    return [...(this.timeseries.get(deviceId)?.values() ?? [])].sort((a, b) => a.ts - b.ts || a.key.localeCompare(b.key));
  }

  /** Distinct (device, key, ts) points over the tenant. */
  get pointCount(): number {
    let n = 0;
    for (const m of this.timeseries.values()) n += m.size;
    return n;
  }

  // --- writes (each either applies fully or throws before changing anything, like the @Transactional originals) ---

  /** DeviceProfileServiceImpl.saveDeviceProfile for a new profile. */
  createProfile(body: Record<string, unknown>, options: { isDefault?: boolean } = {}): StoredProfile {
    const name = typeof body.name === 'string' ? body.name : '';
    if (name.trim() === '') throw badRequest('Device profile name should be specified!');
    if (body.type == null) throw badRequest('Device profile type should be specified!');
    if (body.transportType == null) throw badRequest('Device profile transport type should be specified!');
    if (this.profileByName(name)) throw badRequest(TbMessage.profileNameExists);
    const profile: StoredProfile = {
      id: randomUUID(),
      createdTime: this.now(),
      name,
      description: typeof body.description === 'string' ? body.description : null,
      isDefault: options.isDefault ?? false,
      type: String(body.type),
      transportType: String(body.transportType),
      provisionType: typeof body.provisionType === 'string' ? body.provisionType : 'DISABLED',
      profileData: body.profileData ?? null,
      version: 1,
    };
    this.profiles.set(profile.id, profile);
    this.onWrite({ kind: 'profile', name, id: profile.id });
    return profile;
  }

  /** DeviceProfileServiceImpl.findOrCreateDeviceProfile: a device saved with only `type` creates that profile. */
  findOrCreateProfile(name: string): StoredProfile {
    return (
      this.profileByName(name) ??
      this.createProfile({
        name,
        type: 'DEFAULT',
        transportType: 'DEFAULT',
        provisionType: 'DISABLED',
        description: 'Default device profile',
        profileData: defaultProfileData(),
      })
    );
  }

  /** DeviceServiceImpl.saveDeviceWithCredentials for a new device (no `id` in the body). */
  createDeviceWithCredentials(body: Record<string, unknown>): StoredDevice {
    const device = (body.device ?? null) as Record<string, unknown> | null;
    if (device === null || typeof device !== 'object') throw badRequest('device must not be null');
    if (body.credentials == null) throw badRequest('credentials must not be null');
    if (device.id != null) throw badRequest('The fake cloud only creates devices; updates are not implemented');
    const name = typeof device.name === 'string' ? device.name : '';
    if (name.trim() === '') throw badRequest('Device name should be specified!');

    // Work out everything first so a failure leaves no trace (the original runs in one transaction).
    const profileRef = device.deviceProfileId as { id?: unknown } | null | undefined;
    let profile: StoredProfile | undefined;
    let createProfileNamed: string | undefined;
    if (profileRef?.id != null) {
      profile = this.profiles.get(String(profileRef.id));
      if (!profile) throw badRequest('Device is referencing non existing device profile!');
    } else if (typeof device.type === 'string' && device.type !== '') {
      profile = this.profileByName(device.type);
      if (!profile) createProfileNamed = device.type;
    } else {
      profile = [...this.profiles.values()].find((p) => p.isDefault);
      if (!profile) throw badRequest('Device is referencing non existing device profile!');
    }
    if (this.deviceByName(name)) throw badRequest(TbMessage.deviceNameExists);
    const creds = formatCredentials(body.credentials);
    if (this.credentialsByCredentialsId(creds.credentialsId)) throw badRequest(TbMessage.credentialsTaken);

    if (createProfileNamed !== undefined) profile = this.findOrCreateProfile(createProfileNamed);
    const resolved = profile as StoredProfile;
    const created: StoredDevice = {
      id: randomUUID(),
      createdTime: this.now(),
      name,
      type: resolved.name, // DeviceServiceImpl: device.setType(deviceProfile.getName())
      label: typeof device.label === 'string' ? device.label : null,
      deviceProfileId: resolved.id,
      additionalInfo: device.additionalInfo ?? null,
      version: 1,
    };
    this.devices.set(created.id, created);
    this.credentials.set(created.id, {
      ...creds,
      id: randomUUID(),
      createdTime: this.now(),
      deviceId: created.id,
      version: 1,
    });
    this.onWrite({ kind: 'device', name, id: created.id });
    return created;
  }

  /** TelemetryController.saveAttributes after validation: upserts every key with the same timestamp. */
  saveAttributes(deviceId: string, scope: 'SERVER_SCOPE' | 'SHARED_SCOPE', values: Record<string, unknown>): void {
    const ts = this.now();
    const store = scope === 'SERVER_SCOPE' ? this.attributes : this.sharedAttributes;
    const bucket = store.get(deviceId) ?? new Map<string, StoredAttribute>();
    for (const [key, value] of Object.entries(values)) bucket.set(key, { lastUpdateTs: ts, value });
    store.set(deviceId, bucket);
    this.onWrite({ kind: 'attributes', deviceId, keys: Object.keys(values), scope });
  }

  saveServerAttributes(deviceId: string, values: Record<string, unknown>): void {
    this.saveAttributes(deviceId, 'SERVER_SCOPE', values);
  }

  /** TelemetryController.saveTelemetry after validation: one value per (key, ts), the last write wins. */
  saveTelemetry(deviceId: string, points: StoredPoint[]): void {
    const bucket = this.timeseries.get(deviceId) ?? new Map<string, StoredPoint>();
    let added = 0;
    for (const p of points) {
      const id = `${p.key}\u0000${p.ts}`;
      if (!bucket.has(id)) added += 1;
      bucket.set(id, p);
    }
    this.timeseries.set(deviceId, bucket);
    this.onWrite({ kind: 'telemetry', deviceId, points: points.length, added });
  }

  // --- JSON as ThingsBoard serialises it (Jackson, declaration order, nulls included) ---------------------------------

  deviceJson(d: StoredDevice) {
    return {
      id: { entityType: 'DEVICE', id: d.id },
      createdTime: d.createdTime,
      additionalInfo: d.additionalInfo,
      tenantId: { entityType: 'TENANT', id: this.tenantId },
      customerId: { entityType: 'CUSTOMER', id: NULL_UUID },
      name: d.name,
      type: d.type,
      label: d.label,
      deviceProfileId: { entityType: 'DEVICE_PROFILE', id: d.deviceProfileId },
      deviceData: { configuration: { type: 'DEFAULT' }, transportConfiguration: { type: 'DEFAULT' } },
      firmwareId: null,
      softwareId: null,
      externalId: null,
      version: d.version,
    };
  }

  credentialsJson(c: StoredCredentials) {
    return {
      id: { id: c.id }, // DeviceCredentialsId is UUIDBased, not an EntityId: no entityType
      createdTime: c.createdTime,
      deviceId: { entityType: 'DEVICE', id: c.deviceId },
      credentialsType: c.credentialsType,
      credentialsId: c.credentialsId,
      credentialsValue: c.credentialsValue,
      version: c.version,
    };
  }

  profileJson(p: StoredProfile) {
    return {
      id: { entityType: 'DEVICE_PROFILE', id: p.id },
      createdTime: p.createdTime,
      tenantId: { entityType: 'TENANT', id: this.tenantId },
      name: p.name,
      description: p.description,
      image: null,
      type: p.type,
      transportType: p.transportType,
      provisionType: p.provisionType,
      defaultRuleChainId: null,
      defaultDashboardId: null,
      defaultQueueName: null,
      profileData: p.profileData,
      provisionDeviceKey: null,
      firmwareId: null,
      softwareId: null,
      defaultEdgeRuleChainId: null,
      externalId: null,
      version: p.version,
      default: p.isDefault, // Jackson names the `isDefault()` getter "default"
    };
  }

  /** DeviceProfileInfo: EntityInfo's id/name first, then its own fields. */
  profileInfoJson(p: StoredProfile) {
    return {
      id: { entityType: 'DEVICE_PROFILE', id: p.id },
      name: p.name,
      image: null,
      defaultDashboardId: null,
      type: p.type,
      transportType: p.transportType,
      tenantId: { entityType: 'TENANT', id: this.tenantId },
    };
  }

  requireDevice(id: string): StoredDevice {
    const d = this.devices.get(id);
    if (!d) throw notFound(`Device with id [${id}] is not found`); // BaseController.checkEntityId
    return d;
  }
}

/** DeviceProfileServiceImpl.doCreateDeviceProfile's profileData. */
export function defaultProfileData() {
  return {
    configuration: { type: 'DEFAULT' },
    transportConfiguration: { type: 'DEFAULT' },
    provisionConfiguration: { type: 'DISABLED', provisionDeviceSecret: null },
    alarms: null,
  };
}
