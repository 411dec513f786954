import { z } from 'zod';
import { CredentialsType, ProvisionStrategy, ReprovisionPolicy } from './provisioning.ts';

const name = z.string().trim().min(1, 'a name is required').max(255);
// Stock firmware stores these in small buffers; ThingsBoard allows any non-empty string.
const provisionValue = z.string().min(1, 'must not be empty').max(255);

export const Profile = z.object({
  id: z.number().int(),
  name: z.string(),
  provisionDeviceKey: z.string(),
  provisionDeviceSecret: z.string(),
  strategy: ProvisionStrategy,
  defaultCredentialsType: CredentialsType,
  reprovision: ReprovisionPolicy,
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
});
