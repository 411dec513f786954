import { z } from 'zod';
import { ApiAction } from './api/contract.ts';

/** DeviceHive `token/create` semantics: what a script may do, on which batches and profiles, until when. */
export const ApiTokenPayload = z.object({
  actions: z.array(ApiAction).min(1, 'name at least one action'),
  /** Batch ids the token may touch; absent = all. */
  batchIds: z.array(z.number().int()).optional(),
  profileIds: z.array(z.number().int()).optional(),
  /** ISO-8601 time the refresh token expires; access tokens live at most 30 minutes. */
  expiration: z.string().optional(),
});
export type ApiTokenPayload = z.infer<typeof ApiTokenPayload>;

export const ApiTokenCreate = z.object({ payload: ApiTokenPayload });
export const ApiTokenPair = z.object({ accessToken: z.string(), refreshToken: z.string() });
export const ApiTokenRefresh = z.object({ refreshToken: z.string() });
