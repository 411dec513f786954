import type { Socket } from 'node:net';

/**
 * aedes reads a whole MQTT packet into memory (up to 256 MB) before any hook can refuse it. This watches the same
 * bytes as they arrive, reads each packet's declared length from its fixed header (MQTT 3.1.1 §2.2.3), and closes
 * the connection at the header of a packet larger than `limit`, before its body is ever buffered.
 */
export function guardPacketSizes(socket: Socket, limit: number, onRefused: (declared: number | null) => void): void {
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let remaining = 0;
  const refuse = (declared: number | null) => {
    socket.removeListener('data', watch);
    onRefused(declared);
    socket.destroy();
  };
  function watch(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (state === 'body') {
        const take = Math.min(remaining, chunk.length - i);
        remaining -= take;
        i += take;
        if (remaining === 0) state = 'type';
        continue;
      }
      const byte = chunk[i++]!;
      if (state === 'type') {
        state = 'length';
        length = 0;
        multiplier = 1;
        continue;
      }
      length += (byte & 0x7f) * multiplier;
      if (length > limit) {
        refuse(length);
        return;
      }
      if (byte & 0x80) {
        multiplier *= 128;
        // A fifth length byte is malformed (§2.2.3 allows four).
        if (multiplier > 128 ** 3) {
          refuse(null);
          return;
        }
        continue;
      }
      remaining = length;
      state = remaining === 0 ? 'type' : 'body';
    }
  }
  socket.on('data', watch);
}
