import { z } from 'zod';

// The parts of ThingsBoard's JSON the adapter reads (common/data/src/main/java/org/thingsboard/server/common/data/...).
// Unknown fields are ignored so newer ThingsBoard versions keep working.

/** exception/ThingsboardErrorResponse: {status, message, errorCode, timestamp}. */
export const TbErrorBody = z.object({
  status: z.number().optional(),
  message: z.string().nullish(),
  errorCode: z.number().optional(),
});
export type TbErrorBody = z.infer<typeof TbErrorBody>;

/** security/model/JwtPair. `scope` is set (and refreshToken null) when two-factor verification is pending. */
export const JwtPair = z.object({
  token: z.string().min(1),
  refreshToken: z.string().nullish(),
  scope: z.string().nullish(),
});

const EntityId = z.object({ id: z.string(), entityType: z.string().optional() });

/** Device */
export const TbDevice = z.object({
  id: EntityId,
  name: z.string(),
  type: z.string().nullish(),
  label: z.string().nullish(),
});
export type TbDevice = z.infer<typeof TbDevice>;

/** security/DeviceCredentials */
export const TbDeviceCredentials = z.object({
  credentialsType: z.string(),
  credentialsId: z.string().nullish(),
  credentialsValue: z.string().nullish(),
});
export type TbDeviceCredentials = z.infer<typeof TbDeviceCredentials>;

/** page/PageData<DeviceProfileInfo> */
export const TbProfileInfoPage = z.object({
  data: z.array(z.object({ id: EntityId, name: z.string() })),
  hasNext: z.boolean(),
});

/** DeviceProfile (as returned by POST /api/deviceProfile) */
export const TbDeviceProfile = z.object({ id: EntityId, name: z.string() });

/** The payload of a ThingsBoard JWT, read without checking the signature (only to know when it expires). */
export const JwtClaims = z.object({ exp: z.number().optional(), iat: z.number().optional() });
