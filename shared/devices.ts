import { z } from 'zod';
import { accessTokenProblem, unusableToken } from './access-token.ts';
import { LabelLanguage } from './label-words.ts';
import { CredentialsType, Transport } from './provisioning.ts';
import { DeviceState } from './station.ts';

export { accessTokenProblem } from './access-token.ts';

export const MqttBasicCredentials = z.object({
  clientId: z.string().nullable(),
  userName: z.string().nullable(),
  password: z.string().nullable(),
});

/** One device as the CLI (`devices --json`), the admin API and the UI see it. */
export const Device = z.object({
  id: z.number().int(),
  name: z.string(),
  profile: z.string(),
  batch: z.string().nullable(),
  state: DeviceState,
  gateway: z.boolean(),
  serial: z.string().nullable(),
  mac: z.string().nullable(),
  label: z.string().nullable(),
  credentialsType: CredentialsType.nullable(),
  /** Left out of lists and live events unless asked for: they are every device's secret. */
  credentialsValue: z.union([z.string(), MqttBasicCredentials]).nullable().optional(),
  provisionedAt: z.string().nullable(),
  provisionedVia: Transport.nullable(),
  lastSeenAt: z.string().nullable(),
  /** When a technician scanned its label at the mounting place, and where that is. */
  installedAt: z.string().nullable(),
  locationNote: z.string().nullable(),
  createdAt: z.string(),
});
export type Device = z.infer<typeof Device>;

/**
 * What a scan found, for the UI: an unknown code is an ordinary answer there (the technician scanned something
 * else), not a failed request. `message` says why nothing was found, in plain words.
 */
export const ScanLookup = z.object({
  device: Device.nullable(),
  message: z.string().nullable(),
  /** What the code matched: a Fieldstation label, a device name, or the manufacturer's serial or MAC barcode. */
  matched: z.enum(['label', 'name', 'serial', 'mac']).nullable().optional(),
});
export type ScanLookup = z.infer<typeof ScanLookup>;

export const DeviceDetail = Device.extend({
  attributes: z.record(z.string(), z.record(z.string(), z.unknown())),
  telemetry: z.record(z.string(), z.object({ value: z.unknown(), ts: z.string() })),
});
export type DeviceDetail = z.infer<typeof DeviceDetail>;

const accessToken = z
  .string()
  .min(1)
  .max(255)
  .refine((t) => accessTokenProblem(t) === null, { message: unusableToken });

/** Credentials a technician assigns to a pre-provisioned device (check-pre-provisioned strategy). */
export const CredentialsInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ACCESS_TOKEN'), token: accessToken }),
  z.object({
    type: z.literal('MQTT_BASIC'),
    clientId: z.string().max(255).optional(),
    username: z.string().max(255).optional(),
    password: z.string().max(255).optional(),
  }),
  z.object({ type: z.literal('X509_CERTIFICATE'), certificate: z.string().min(1) }),
]);
export type CredentialsInput = z.infer<typeof CredentialsInput>;

export const DeviceInput = z.object({
  profile: z.string().min(1),
  name: z.string().trim().min(1, 'a name is required').max(255),
  batch: z.string().optional(),
  /** The label language of the batch when this adds it (a new batch name); an existing batch keeps its own. */
  language: LabelLanguage.optional(),
  serial: z.string().max(255).optional(),
  mac: z.string().max(64).optional(),
  label: z.string().max(255).optional(),
  /** Shorthand for ACCESS_TOKEN credentials (`device add --token`). */
  token: accessToken.optional(),
  credentials: CredentialsInput.optional(),
});

export const DeviceQuery = z.object({
  batch: z.string().optional(),
  profile: z.string().optional(),
  state: DeviceState.optional(),
  /** Matches name, serial or MAC (substring, case-insensitive). */
  search: z.string().optional(),
  limit: z.number().int().min(1).max(200_000).optional(),
  /** Only devices with a larger id: cheap paging through 100,000 devices. */
  afterId: z.number().int().optional(),
  /** Include credentialsValue (the CLI's `devices --json` does; the UI reveals one device at a time). */
  withCredentials: z.boolean().default(false),
  offset: z.number().int().min(0).optional(),
});

export const OutcomeCounts = z.object({
  SUCCESS: z.number().int(),
  NOT_FOUND: z.number().int(),
  FAILURE: z.number().int(),
  BAD_REQUEST: z.number().int(),
});

/** One line of a device's history: provisioning attempts under its name, and what people did to it. */
export const DeviceEvent = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: z.string(),
  outcome: z.string().nullable(),
  reason: z.string().nullable(),
  transport: Transport.nullable(),
  remoteAddress: z.string().nullable(),
});
export type DeviceEvent = z.infer<typeof DeviceEvent>;

export const ProvisionAttempt = z.object({
  id: z.number().int(),
  at: z.string(),
  deviceName: z.string().nullable(),
  transport: Transport.nullable(),
  outcome: z.enum(['SUCCESS', 'NOT_FOUND', 'FAILURE', 'BAD_REQUEST']),
  reason: z.string().nullable(),
  remoteAddress: z.string().nullable(),
});
export type ProvisionAttempt = z.infer<typeof ProvisionAttempt>;
