import { z } from 'zod';

export const TokenState = z.enum(['active', 'expired', 'used', 'revoked', 'locked']);
export type TokenState = z.infer<typeof TokenState>;

export const Assignment = z.object({
  /** Server attributes set on the device when it redeems the token. */
  attributes: z.record(z.string(), z.unknown()).optional(),
  /** A policy name the cloud applies; stored as the server attribute `policy`. */
  policy: z.string().max(255).optional(),
});

/** `tokens issue`: per-device (one token per device of the batch) or a group token redeemable N times. */
export const TokenIssue = z
  .object({
    batch: z.string().min(1),
    /** One device only (by name) instead of the whole batch. */
    device: z.string().optional(),
    perDevice: z.boolean().default(false),
    uses: z.number().int().min(1).max(1_000_000).optional(),
    /** ISO-8601 time, or a duration like 30d, 12h, 90m. */
    expires: z.string().optional(),
    pin: z.string().optional(),
    password: z.string().min(8, 'a password must have at least 8 characters').max(128).optional(),
    assignment: Assignment.optional(),
  })
  .refine((t) => !(t.pin !== undefined && t.password !== undefined), { message: 'give a PIN or a password, not both' })
  .refine((t) => !(t.uses !== undefined && (t.perDevice || t.device)), {
    message: '--uses makes one group token; it does not combine with --per-device or a device',
  });

/** One issued token, as `tokens issue --json` prints it (CLI.md names these keys). */
export const IssuedToken = z.object({
  id: z.number().int(),
  device: z.string().nullable(),
  batch: z.string().nullable(),
  key: z.string(),
  /** Absent when the token is protected by a PIN or password: the secret is what the technician chose. */
  secret: z.string().optional(),
  shortCode: z.string(),
  protection: z.enum(['derived', 'pin', 'password']),
  expiresAt: z.string().nullable(),
  maxUses: z.number().int(),
  /** The exact string the label's QR code encodes. */
  payload: z.string(),
});
export type IssuedToken = z.infer<typeof IssuedToken>;

export const IssueResult = z.object({
  tokens: z.array(IssuedToken),
  skipped: z.array(z.object({ device: z.string(), reason: z.string() })),
});

export const TokenView = z.object({
  id: z.number().int(),
  key: z.string(),
  shortCode: z.string(),
  device: z.string().nullable(),
  batch: z.string().nullable(),
  profile: z.string(),
  protection: z.enum(['derived', 'pin', 'password']),
  state: TokenState,
  uses: z.number().int(),
  maxUses: z.number().int(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  failedAttempts: z.number().int(),
});
export type TokenView = z.infer<typeof TokenView>;

export const TokenRevoke = z
  .object({ id: z.number().int().optional(), batch: z.string().optional() })
  .refine((r) => (r.id === undefined) !== (r.batch === undefined), { message: 'revoke one token (id) or a whole batch' });
