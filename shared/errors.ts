import { z } from 'zod';

/** Stable error codes of the admin API. The UI shows `message`; scripts and tests branch on `code`. */
export const errorCodes = [
  'bad_request',
  'invalid_params',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unknown_method',
  'payload_too_large',
  /** The device did not answer in time (RPC). */
  'timeout',
  /** Stored credentials (a sync target's) cannot be decrypted on this station: enter them again. */
  'credentials_unreadable',
  'internal',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Per-field or per-row problems, e.g. import errors with line and column. */
  details: z.unknown().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export const httpStatusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_params: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unknown_method: 404,
  payload_too_large: 413,
  timeout: 504,
  credentials_unreadable: 409,
  internal: 500,
};

/** Thrown by handlers and by the client; crosses the wire as `{ok:false, error}`. */
const maxMessage = 1000;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    // Messages quote what the caller sent ("no device named '…'"); a 1 MB name must not come back as a 1 MB error.
    const message = this.message.length > maxMessage ? `${this.message.slice(0, maxMessage)}…` : this.message;
    return this.details === undefined ? { code: this.code, message } : { code: this.code, message, details: this.details };
  }
}

export const ApiReply = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorBody }),
]);
export type ApiReply = z.infer<typeof ApiReply>;
