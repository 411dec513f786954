import type { Rng } from './rng.ts';

/** Where the station under test listens, and the fixtures the setup created in it (fixed values, so inputs replay). */
export interface FuzzContext {
  ports: { http: number; mqtt: number; coap: number; ui: number };
  /** The run's admin secret. */
  secret: string;
  /** A loopback port that accepts and drops every connection: where sync targets and printers are pointed. */
  sinkPort: number;
}

export const fixtures = {
  profile: 'fuzz-profile',
  provisionKey: 'fuzz-provision-key',
  provisionSecret: 'fuzz-provision-secret',
  batch: 'fuzz-batch',
  device: 'fuzz-device',
  deviceToken: 'fuzzDeviceToken0001',
} as const;

/** The sentinel's own profile: no template names it, so mutated admin calls leave it alone (and it is restored anyway). */
export const sentinel = {
  profile: 'sentinel-profile',
  provisionKey: 'sentinel-provision-key',
  provisionSecret: 'sentinel-provision-secret',
} as const;

/** How one input went. Anything but `ok` is a finding, printed with the seed and the input. */
export type Verdict =
  | {
      kind: 'ok';
      /** A short class for the totals: an HTTP status, a CoAP code, `closed`. */
      class: string;
      /** Bytes the station sent back, where the target counts them: the largest replies are listed with the totals. */
      bytes?: number;
    }
  | { kind: 'hang' | 'internal' | 'wrong'; detail: string };

export interface FuzzInput {
  /** One line: what this input is (kind of request, mutations). */
  summary: string;
  /** The exact bytes or text sent, for the report of a finding. */
  show(): string;
  run(ctx: FuzzContext): Promise<Verdict>;
}

export interface Target {
  name: string;
  generate(rng: Rng): FuzzInput;
}

/** Printable form of bytes: text where it is text, escapes elsewhere, cut to `max` characters. */
export function printable(bytes: Buffer | string, max = 2000): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const head = buf.subarray(0, max);
  let out = '';
  for (const b of head) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : b === 0x5c ? '\\\\' : `\\x${b.toString(16).padStart(2, '0')}`;
  return buf.length > max ? `${out}… (${buf.length} bytes in all)` : out;
}
