import type { Rng } from './rng.ts';

// Byte-level mutations in the AFL tradition: flips, interesting values, cuts, repeats, splices.

const interesting8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x22, 0x5c, 0xc0, 0xed];

/** One to `max` random mutations of a copy of `input`; the result never exceeds `limit` bytes. */
export function mutateBytes(rng: Rng, input: Buffer, limit: number, max = 4): Buffer {
  let out: Buffer = Buffer.from(input);
  const count = rng.range(1, max);
  for (let i = 0; i < count; i++) out = mutateOnce(rng, out, limit);
  return out.length > limit ? out.subarray(0, limit) : out;
}

function mutateOnce(rng: Rng, b: Buffer, limit: number): Buffer {
  if (b.length === 0) return rng.bytes(rng.range(1, 16));
  const at = rng.int(b.length);
  switch (rng.int(9)) {
    case 0: {
      const out = Buffer.from(b);
      out[at] = out[at]! ^ (1 << rng.int(8));
      return out;
    }
    case 1: {
      const out = Buffer.from(b);
      out[at] = rng.pick(interesting8);
      return out;
    }
    case 2:
      return b.subarray(0, at); // truncated
    case 3:
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + rng.range(1, 8)))]);
    case 4:
      return Buffer.concat([b.subarray(0, at), rng.bytes(rng.range(1, 8)), b.subarray(at)]);
    case 5: {
      // Repeat a slice (fills buffers, duplicates packets or fields).
      const end = Math.min(b.length, at + rng.range(1, 64));
      const slice = b.subarray(at, end);
      const times = rng.range(1, Math.max(1, Math.min(64, Math.floor(limit / Math.max(1, slice.length * 4)))));
      return Buffer.concat([b.subarray(0, end), ...Array<Buffer>(times).fill(slice), b.subarray(end)]);
    }
    case 6: {
      const out = Buffer.from(b);
      out[at] = (out[at]! + rng.range(-3, 3)) & 0xff; // off by a little: lengths and counters
      return out;
    }
    case 7:
      return Buffer.concat([b, rng.bytes(rng.range(1, 32))]);
    default: {
      const out = Buffer.from(b);
      const from = rng.int(b.length);
      const len = Math.min(rng.range(1, 16), b.length - Math.max(from, at));
      if (len > 0) b.copy(out, at, from, from + len);
      return out;
    }
  }
}
