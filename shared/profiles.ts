import { z } from 'zod';
import { CredentialsType, ProvisionStrategy, ReprovisionPolicy } from './provisioning.ts';

const name = z.string().trim().min(1, 'a name is required').max(255);
// Stock firmware stores these in small buffers; ThingsBoard allows any non-empty string.
const provisionValue = z.string().min(1, 'must not be empty').max(255);
/**
 * How long a device that polls (HTTP, CoAP) may stay silent before it counts as offline: ThingsBoard's
 * inactivityTimeout (DefaultDeviceStateService, default 600 s). At least a second, so it cannot flap on every tick.
 */
export const InactivityTimeoutMs = z
  .number()
  .int()
  .min(1000, 'the inactivity timeout must be at least 1 second')
  .max(30 * 86_400_000, 'the inactivity timeout must be at most 30 days');
export const defaultInactivityTimeoutMs = 600_000;

export const Profile = z.object({
  id: z.number().int(),
  name: z.string(),
  provisionDeviceKey: z.string(),
  provisionDeviceSecret: z.string(),
  strategy: ProvisionStrategy,
  defaultCredentialsType: CredentialsType,
  reprovision: ReprovisionPolicy,
  inactivityTimeoutMs: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Profile = z.infer<typeof Profile>;

export const ProfileInput = z.object({
  name,
  provisionDeviceKey: provisionValue,
  provisionDeviceSecret: provisionValue,
  strategy: ProvisionStrategy,
  defaultCredentialsType: CredentialsType.default('ACCESS_TOKEN'),
  reprovision: ReprovisionPolicy.default('deny'),
  inactivityTimeoutMs: InactivityTimeoutMs.default(defaultInactivityTimeoutMs),
});
export type ProfileInput = z.input<typeof ProfileInput>;

export const ProfileUpdate = z.object({
  /** The profile to change, by its current name. */
  profile: z.string(),
  name: name.optional(),
  provisionDeviceKey: provisionValue.optional(),
  provisionDeviceSecret: provisionValue.optional(),
  strategy: ProvisionStrategy.optional(),
  defaultCredentialsType: CredentialsType.optional(),
  reprovision: ReprovisionPolicy.optional(),
  inactivityTimeoutMs: InactivityTimeoutMs.optional(),
});

/**
 * Who depends on a profile's provision key and secret: its devices and how many still have to provision with them
 * (a changed secret leaves those with firmware that no longer provisions). Asked before saving such a change.
 */
export const ProfileUsage = z.object({
  profile: z.string(),
  devices: z.number().int(),
  /** Not provisioned yet: these need the new secret in their firmware to provision. */
  pending: z.number().int(),
  batches: z.number().int(),
});
export type ProfileUsage = z.infer<typeof ProfileUsage>;
