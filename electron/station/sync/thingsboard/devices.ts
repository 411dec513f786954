import { TargetError } from '../http-errors.ts';
import type { TbClient } from './client.ts';
import { describe, sameCredentials, summarizeCloud, summarizeLocal, toTbCredentials } from './credentials.ts';
import { type TbAnswer, TbCode } from './http.ts';
import type { TbProfiles } from './profiles.ts';
import { TbDevice, TbDeviceCredentials } from './schemas.ts';
import type { CloudDevice, DeviceToSync, UpsertResult, WritableScope } from './types.ts';

// Create-or-confirm a device exactly once. ThingsBoard has no idempotency key, so the device name (unique per
// tenant, DeviceServiceImpl constraint device_name_unq_key) is the key: look up first, create only if absent,
// and treat an existing device with the same credentials as our own earlier attempt.

const nameExists = (a: TbAnswer) => a.status === 400 && /Device with such name already exists/i.test(a.error?.message ?? '');
// DeviceCredentialsDataValidator / DeviceCredentialsServiceImpl on a duplicate credentialsId.
const credentialsTaken = (a: TbAnswer) =>
  a.status === 400 &&
  /credentials are already assigned to another device|Specified credentials are already registered/i.test(
    a.error?.message ?? '',
  );
// DeviceServiceImpl: the profile id we cached was deleted in ThingsBoard meanwhile.
const profileGone = (a: TbAnswer) => a.status === 400 && /non existing device profile/i.test(a.error?.message ?? '');

export class TbDevices {
  constructor(
    private readonly client: TbClient,
    private readonly profiles: TbProfiles,
  ) {}

  /** DeviceController.getTenantDevice: GET /api/tenant/devices?deviceName=… (404, errorCode 32, when absent). */
  async find(name: string, signal?: AbortSignal): Promise<CloudDevice | null> {
    const what = `look up device "${name}"`;
    const answer = await this.client.call('GET', `/api/tenant/devices?${new URLSearchParams({ deviceName: name })}`, {
      signal,
    });
    // Only ThingsBoard's own "not found" counts: a bare 404 from a proxy must not be read as "safe to create".
    if (answer.status === 404 && answer.error?.errorCode === TbCode.ITEM_NOT_FOUND) return null;
    if (answer.status !== 200) this.client.http.fail(answer, what);
    const d = this.client.http.parse(answer, TbDevice, what);
    return { cloudId: d.id.id, name: d.name, profileName: d.type ?? null, label: d.label ?? null };
  }

  async upsert(device: DeviceToSync, signal?: AbortSignal): Promise<UpsertResult> {
    if (device.name.trim() === '') {
      throw new TargetError({ kind: 'fatal', message: 'The device has no name, so ThingsBoard cannot store it.' });
    }
    const existing = await this.find(device.name, signal);
    if (existing) return this.reconcile(device, existing.cloudId, signal);

    const profileId = await this.profiles.ensure(device.profileName, signal);
    const what = `create device "${device.name}"`;
    const answer = await this.client.call('POST', '/api/device-with-credentials', {
      signal,
      body: {
        device: {
          name: device.name,
          ...(device.label === undefined ? {} : { label: device.label }),
          // An explicit profile id: with only `type`, ThingsBoard would silently create a missing profile
          // (DeviceProfileServiceImpl.findOrCreateDeviceProfile), bypassing allowCreateProfiles.
          deviceProfileId: { entityType: 'DEVICE_PROFILE', id: profileId },
          ...(device.gateway ? { additionalInfo: { gateway: true } } : {}),
        },
        credentials: toTbCredentials(device.credentials),
      },
    });
    if (answer.status === 200) {
      const cloudId = this.client.http.parse(answer, TbDevice, what).id.id;
      await this.applyAttributes(cloudId, device, signal);
      return { outcome: 'created', cloudId };
    }
    if (nameExists(answer)) {
      // Lost a race (or an earlier attempt of ours landed after our lookup): compare with what is there now.
      const now = await this.find(device.name, signal);
      if (now) return this.reconcile(device, now.cloudId, signal);
    }
    if (credentialsTaken(answer)) {
      const local = summarizeLocal(device.credentials);
      return {
        outcome: 'conflict',
        reason: 'credentials-in-use',
        cloudId: null,
        cloud: null,
        local,
        message: `ThingsBoard already has ${describe(local)} on another device, so "${device.name}" was not created.`,
      };
    }
    if (profileGone(answer)) {
      this.profiles.forget(device.profileName);
      throw new TargetError({
        kind: 'retryable',
        status: 400,
        message: `Device profile "${device.profileName}" disappeared from ThingsBoard while syncing; it will be looked up again.`,
      });
    }
    return this.client.http.fail(answer, what);
  }

  /**
   * POST /api/plugins/telemetry/DEVICE/{id}/attributes/{scope} (TelemetryController.saveEntityAttributesV2): an
   * upsert per key, so sending the same values again changes nothing. CLIENT_SCOPE is refused there ("Invalid
   * scope"): client attributes come from the device itself.
   */
  async setAttributes(cloudId: string, scope: WritableScope, attributes: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    // ThingsBoard drops nulls and answers 400 to an empty object; nothing to send is not an error.
    if (!Object.values(attributes).some((v) => v !== null && v !== undefined)) return;
    const what = `set the ${scope === 'SHARED_SCOPE' ? 'shared' : 'server'} attributes of device ${cloudId}`;
    const path = `/api/plugins/telemetry/DEVICE/${encodeURIComponent(cloudId)}/attributes/${scope}`;
    const answer = await this.client.call('POST', path, { signal, body: attributes });
    if (answer.status !== 200) this.client.http.fail(answer, what);
  }

  setServerAttributes(cloudId: string, attributes: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    return this.setAttributes(cloudId, 'SERVER_SCOPE', attributes, signal);
  }

  /** The device exists: ours if the credentials match (re-apply attributes), a conflict if not (change nothing). */
  private async reconcile(device: DeviceToSync, cloudId: string, signal?: AbortSignal): Promise<UpsertResult> {
    const what = `read the credentials of device "${device.name}"`;
    const answer = await this.client.call('GET', `/api/device/${encodeURIComponent(cloudId)}/credentials`, { signal });
    if (answer.status !== 200) this.client.http.fail(answer, what);
    const cloudCredentials = this.client.http.parse(answer, TbDeviceCredentials, what);
    if (sameCredentials(device.credentials, cloudCredentials)) {
      await this.applyAttributes(cloudId, device, signal);
      return { outcome: 'already-synced', cloudId };
    }
    const cloud = summarizeCloud(cloudCredentials);
    const local = summarizeLocal(device.credentials);
    return {
      outcome: 'conflict',
      reason: 'different-credentials',
      cloudId,
      cloud,
      local,
      message: `ThingsBoard already has a device named "${device.name}" with different credentials (${describe(cloud)} there, ${describe(local)} here). Nothing was changed.`,
    };
  }

  private async applyAttributes(cloudId: string, device: DeviceToSync, signal?: AbortSignal): Promise<void> {
    // provisionState last so it wins: the cloud must see the device as provisioned, as ThingsBoard's own
    // provisioning sets it (DeviceProvisionServiceImpl).
    await this.setServerAttributes(cloudId, { ...device.serverAttributes, provisionState: 'provisioned' }, signal);
    // Shared ones are what the device receives when it connects to ThingsBoard (and on change, over its transport).
    if (device.sharedAttributes) await this.setAttributes(cloudId, 'SHARED_SCOPE', device.sharedAttributes, signal);
  }
}
