/**
 * What one peer may hold of the station's memory in Block1 transfers still in progress (RFC 7959 §2.5): node-coap keeps
 * every unfinished body for EXCHANGE_LIFETIME (247 s) whatever their number, so one address opening transfer after
 * transfer (each with its own port, URI or Request-Tag) could fill memory while staying under its datagram rate.
 * Californium, under ThingsBoard's CoAP transport, bounds the same state (BlockwiseLayer: BLOCKWISE_STATUS_LIFETIME,
 * MAX_RESOURCE_BODY_SIZE); here it is bounded per address, so one noisy peer cannot take what others need.
 */
export interface BlockwiseLimits {
  /** Block1 transfers one address may have in progress at once. */
  transfersPerPeer: number;
  /** Bytes one address may have buffered in them, all together. */
  bytesPerPeer: number;
  /** A transfer with no block for this long is forgotten, its buffered blocks with it. */
  idleMs: number;
}

export const defaultBlockwiseLimits: BlockwiseLimits = { transfersPerPeer: 8, bytesPerPeer: 256 * 1024, idleMs: 60_000 };

// Memory for the bookkeeping itself stays bounded whatever the number of addresses seen.
const trackedPeers = 4096;

interface Transfer {
  bytes: number;
  at: number;
}

export type BlockAdmission = 'ok' | 'too-many-transfers' | 'too-many-bytes';

export interface BlockwisePeers {
  /**
   * Admits one Block1 block of transfer `key` from `address`, reaching `end` bytes into its body; `last` when it has
   * no more blocks (the transfer is then over). A refused block ends its own transfer, never the peer's others.
   */
  admit(address: string, key: string, end: number, last: boolean): BlockAdmission;
  /** Forgets the transfers idle past `idleMs`, calling `forget` with each one's key. */
  sweep(forget: (key: string) => void): void;
  /** Transfers in progress, all peers together (tests and the fuzzer's memory check). */
  readonly size: number;
}

export function createBlockwisePeers(limits: BlockwiseLimits, now: () => number = Date.now): BlockwisePeers {
  const peers = new Map<string, Map<string, Transfer>>();
  let size = 0;

  function drop(address: string, transfers: Map<string, Transfer>, key: string): void {
    if (transfers.delete(key)) size--;
    if (transfers.size === 0) peers.delete(address);
  }

  return {
    admit(address, key, end, last) {
      let transfers = peers.get(address);
      const transfer = transfers?.get(key);
      if (last) {
        if (transfers && transfer) drop(address, transfers, key);
        return 'ok';
      }
      if (!transfers) {
        transfers = new Map();
        peers.set(address, transfers);
        if (peers.size > trackedPeers) {
          const [oldest, theirs] = peers.entries().next().value!;
          size -= theirs.size;
          peers.delete(oldest);
        }
      }
      if (!transfer && transfers.size >= limits.transfersPerPeer) return 'too-many-transfers';
      let held = 0;
      for (const [k, t] of transfers) if (k !== key) held += t.bytes;
      if (held + end > limits.bytesPerPeer) {
        // Its body can never be completed now: the blocks it holds go too.
        if (transfer) drop(address, transfers, key);
        return 'too-many-bytes';
      }
      if (transfer) {
        transfer.bytes = Math.max(transfer.bytes, end);
        transfer.at = now();
      } else {
        transfers.set(key, { bytes: end, at: now() });
        size++;
      }
      return 'ok';
    },
    sweep(forget) {
      const cutoff = now() - limits.idleMs;
      for (const [address, transfers] of peers) {
        for (const [key, transfer] of transfers) {
          if (transfer.at > cutoff) continue;
          drop(address, transfers, key);
          forget(key);
        }
      }
    },
    get size() {
      return size;
    },
  };
}
