// Without zod, for the import's parser thread (see import-limits.ts); shared/devices.ts builds its schema on it.

/**
 * Devices send their access token in URL paths (`/api/v1/{token}/telemetry`, CoAP the same): a token with a space,
 * `/`, `?` or `#` could be stored but never used. Null when the token is fine.
 */
export const unusableToken = "a token cannot contain spaces, '/', '?' or '#': devices send it in URL paths";
export function accessTokenProblem(token: string): string | null {
  return /[\s/?#]/.test(token) ? unusableToken : null;
}
