/**
 * What a Fieldstation QR label (or a human-readable short code) carries, and how to read it back.
 * Isomorphic: the engine prints these, the UI's scanner field parses what a USB scanner types.
 *
 * Onboarding token key (10) and secret (16) are uppercase Crockford base32, generated elsewhere.
 */

export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TOKEN_KEY_PATTERN = /^[0-9A-HJKMNP-TV-Z]{10}$/;
export const TOKEN_SECRET_PATTERN = /^[0-9A-HJKMNP-TV-Z]{16}$/;

export const isTokenKey = (text: string): boolean => TOKEN_KEY_PATTERN.test(text);
export const isTokenSecret = (text: string): boolean => TOKEN_SECRET_PATTERN.test(text);

/*
 * Check character: a weighted sum over GF(32), i.e. Damm's algorithm on the quasigroup x∘y = αx + y
 * (α = the field element 2, field polynomial x^5 + x^2 + 1). Chosen over the suggested alternatives because:
 * - its check character is itself Crockford base32, so short codes stay typeable and tokens stay in QR
 *   alphanumeric mode (ISO 7064 MOD 37-2 needs a 37th symbol '*'; Crockford's mod-37 symbols include
 *   '~', which is ZPL's command prefix);
 * - it catches every single-character substitution and every adjacent transposition (Luhn mod 32 misses
 *   the transposition 0Z <-> Z0), also with the check character itself; test/unit/label-payload.test.ts
 *   checks both claims exhaustively.
 * Why it works: a substitution changes one term by (a-b)·α^k ≠ 0; swapping neighbours changes the sum by
 * (a-b)·α^k·(α+1) ≠ 0, since α ≠ 1 in a field of characteristic 2.
 */
const GF32_POLY = 0b100101;

function timesAlpha(value: number): number {
  const shifted = value << 1;
  return shifted & 0b100000 ? shifted ^ GF32_POLY : shifted;
}

function checkState(body: string): number | null {
  let state = 0;
  for (const ch of body) {
    const value = CROCKFORD_ALPHABET.indexOf(ch);
    if (value < 0) return null;
    state = timesAlpha(state) ^ value;
  }
  return state;
}

/** The check character that makes `body + check` valid. Throws if `body` is not Crockford base32. */
export function checkCharacter(body: string): string {
  const state = checkState(body);
  if (state === null) throw new RangeError(`not Crockford base32: ${JSON.stringify(body)}`);
  return CROCKFORD_ALPHABET[timesAlpha(state)]!;
}

/** True when the last character of `text` is the right check character for the rest. */
export function hasValidCheck(text: string): boolean {
  return text.length > 1 && checkState(text) === 0;
}

function requireKey(key: string): void {
  if (!isTokenKey(key)) throw new RangeError(`token key must be 10 Crockford base32 characters, got ${JSON.stringify(key)}`);
}

/*
 * Token payload: `FS1:KEY:SECRET:C`, or `FS1:KEY::C` for a token protected by a PIN/password.
 * A protected token's secret is never printed (the station asks for the PIN instead); the empty field keeps
 * the grammar one shape, so a scanner that sees `::` knows to prompt rather than to reject.
 * C covers the key then the secret characters; the `:` separators are fixed by the grammar, and the fixed
 * field lengths mean no two splits of the same characters are valid.
 * Every character is in the QR alphanumeric set (0-9 A-Z space $%*+-./:), so the code stays in
 * alphanumeric mode: 33 characters fit a version 2 symbol (25 modules) at level M.
 */
export const TOKEN_PAYLOAD_PREFIX = 'FS1:';

export function encodeTokenPayload(key: string, secret: string | null): string {
  requireKey(key);
  if (secret !== null && !isTokenSecret(secret)) {
    throw new RangeError('token secret must be 16 Crockford base32 characters');
  }
  const body = key + (secret ?? '');
  return `${TOKEN_PAYLOAD_PREFIX}${key}:${secret ?? ''}:${checkCharacter(body)}`;
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function requirePort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`not a TCP/UDP port: ${port}`);
}

/** `http://HOST:PORT/onboard/KEY`: a phone camera opens it directly. */
export function encodeUrlPayload(host: string, port: number, key: string): string {
  requireKey(key);
  requirePort(port);
  return `http://${formatHost(host)}:${port}/onboard/${key}`;
}

export interface JsonPayloadInput {
  host: string;
  ports: { http: number; mqtt: number; coap: number };
  key: string;
  /** null for a PIN/password-protected token: the field is left out. */
  secret: string | null;
  /**
   * SHA-256 of the station's CA certificate (DER), `AB:CD:…` or plain hex: firmware pins it to trust HTTPS/MQTTS.
   * Printed as 64 lowercase hex digits in `ca`, last; absent, the payload is exactly what it was before.
   */
  caFingerprint?: string;
}

/** Compact JSON for device firmware that reads the label itself; field order is fixed. */
export function encodeJsonPayload(input: JsonPayloadInput): string {
  requireKey(input.key);
  const { http, mqtt, coap } = input.ports;
  for (const port of [http, mqtt, coap]) requirePort(port);
  if (input.secret !== null && !isTokenSecret(input.secret)) {
    throw new RangeError('token secret must be 16 Crockford base32 characters');
  }
  const value: Record<string, unknown> = { host: input.host, ports: { http, mqtt, coap }, key: input.key };
  if (input.secret !== null) value['secret'] = input.secret;
  if (input.caFingerprint !== undefined) {
    const hex = input.caFingerprint.replace(/:/g, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError('CA fingerprint must be a SHA-256 digest (64 hex digits)');
    value['ca'] = hex;
  }
  return JSON.stringify(value);
}

/*
 * Short code: the key plus its check character, grouped for reading aloud and typing: `ABCD-EFGH-JK-C`.
 * The last group is the check, so a technician typing it from a smudged label learns about a typo at once.
 */
export function formatShortCode(key: string): string {
  requireKey(key);
  return `${key.slice(0, 4)}-${key.slice(4, 8)}-${key.slice(8)}-${checkCharacter(key)}`;
}

export type ShortCodeResult = { ok: true; key: string } | { ok: false; reason: 'length' | 'character' | 'check' };

/** Crockford's decoding rules: case-insensitive, I and L read as 1, O as 0; spaces and dashes ignored. */
export function parseShortCode(text: string): ShortCodeResult {
  const normalised = text
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (normalised.length !== 11) return { ok: false, reason: 'length' };
  if (checkState(normalised) === null) return { ok: false, reason: 'character' };
  if (!hasValidCheck(normalised)) return { ok: false, reason: 'check' };
  return { ok: true, key: normalised.slice(0, 10) };
}

/** secret is null when the token is PIN/password-protected (the label carries no secret). */
export type LabelPayload =
  | { kind: 'token'; key: string; secret: string | null }
  | { kind: 'url'; key: string }
  | { kind: 'json'; key: string; secret: string | null }
  | { kind: 'shortCode'; key: string };

const TOKEN_SHAPE = /^FS1:([0-9A-Z]{10}):([0-9A-Z]{16})?:([0-9A-Z])$/;
const URL_SHAPE = /^https?:\/\/[^\s/?#]+\/onboard\/([0-9A-Za-z]{10})\/?$/;

function parseToken(text: string): LabelPayload | null {
  // Scanners with Caps Lock on (or a keyboard layout mismatch) can flip case; the alphabet is case-free.
  const match = TOKEN_SHAPE.exec(text.toUpperCase());
  if (!match) return null;
  const [, key = '', secret, check = ''] = match;
  if (!isTokenKey(key) || (secret !== undefined && !isTokenSecret(secret))) return null;
  if (!hasValidCheck(key + (secret ?? '') + check)) return null;
  return { kind: 'token', key, secret: secret ?? null };
}

function parseUrl(text: string): LabelPayload | null {
  const key = URL_SHAPE.exec(text)?.[1]?.toUpperCase();
  return key !== undefined && isTokenKey(key) ? { kind: 'url', key } : null;
}

function parseJson(text: string): LabelPayload | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { key, secret } = value as { key?: unknown; secret?: unknown };
  if (typeof key !== 'string' || !isTokenKey(key)) return null;
  if (secret === undefined) return { kind: 'json', key, secret: null };
  return typeof secret === 'string' && isTokenSecret(secret) ? { kind: 'json', key, secret } : null;
}

/**
 * Reads any label payload or a typed short code; null when it is none of them (or a check fails).
 * Surrounding whitespace is ignored: USB scanners type the code and then Enter (CR, LF or both).
 */
export function parseLabelPayload(text: string): LabelPayload | null {
  const trimmed = text.trim();
  if (/^FS1:/i.test(trimmed)) return parseToken(trimmed);
  if (/^https?:\/\//i.test(trimmed)) return parseUrl(trimmed);
  if (trimmed.startsWith('{')) return parseJson(trimmed);
  const short = parseShortCode(trimmed);
  return short.ok ? { kind: 'shortCode', key: short.key } : null;
}
