import type { DeviceListenerName, RefusalReason, Refusals } from '../../../shared/station.ts';
import type { Server, Socket } from 'node:net';
import { peerAddress } from './peer-address.ts';

/**
 * What one source address may take of a device listener, so that one noisy host (a device in a reconnect loop, a
 * scanner, a flood) cannot starve the others: open connections per address and in total, and new connections (TCP)
 * or datagrams (CoAP) per second per address, as a token bucket. Protocol-neutral: the transports call it at accept
 * time (or per datagram) and do nothing else with it. ThingsBoard leaves this to its load balancer; a station on a
 * laptop has none.
 */
export interface SourceLimitSettings {
  /** Open connections one address may hold on one listener. */
  connectionsPerAddress: number;
  /** New connections (CoAP: datagrams) per second one address may open on one listener, sustained. */
  connectionRatePerAddress: number;
  /** Open connections on one listener from all addresses together. */
  connectionsPerListener: number;
}

// A site's devices each have their own address; one address with more than this is a gateway, a NAT or a loop.
// 64 connections allow a gateway with its children; a burst of 400/s lets a whole batch behind one NAT power on.
export const defaultSourceLimits: SourceLimitSettings = {
  connectionsPerAddress: 64,
  connectionRatePerAddress: 400,
  connectionsPerListener: 10_000,
};

// Memory stays bounded whatever the number of addresses seen: the least recently seen are forgotten first.
const trackedAddresses = 4096;
const noisyAddressesKept = 256;
const noisyAddressesShown = 5;

interface AddressState {
  open: number;
  tokens: number;
  refilledAt: number;
}

export interface ListenerLimits {
  /**
   * Admits a new connection from `address`, or counts the refusal and returns null (the caller destroys the socket).
   * The returned function gives the slot back; call it once, when the connection closes.
   */
  admitConnection(address: string | undefined | null): (() => void) | null;
  /** Admits one datagram from `address` against its rate, or counts the refusal and returns false (drop it). */
  admitDatagram(address: string | undefined | null): boolean;
  /** Counts a refusal made by the transport itself (a packet or body over its size limit). */
  refused(reason: RefusalReason, address: string | undefined | null): void;
}

export interface SourceLimits {
  readonly settings: SourceLimitSettings;
  forListener(name: DeviceListenerName): ListenerLimits;
  /** Refusals since the station started, for the status (shared/station.ts Refusals). */
  refusals(): Refusals;
  /** Increases on every refusal: lets the station tell the UI only when something changed. */
  readonly generation: number;
}

export function createSourceLimits(settings: Partial<SourceLimitSettings> = {}, now: () => number = Date.now): SourceLimits {
  const limits: SourceLimitSettings = { ...defaultSourceLimits, ...settings };
  const counts = new Map<string, { transport: DeviceListenerName; reason: RefusalReason; count: number }>();
  const noisy = new Map<string, number>();
  const listeners = new Map<DeviceListenerName, ListenerLimits>();
  let total = 0;

  function count(transport: DeviceListenerName, reason: RefusalReason, address: string | null): void {
    total++;
    const key = `${transport} ${reason}`;
    const entry = counts.get(key) ?? { transport, reason, count: 0 };
    entry.count++;
    counts.set(key, entry);
    if (address === null) return;
    const seen = (noisy.get(address) ?? 0) + 1;
    noisy.delete(address);
    noisy.set(address, seen);
    if (noisy.size > noisyAddressesKept) noisy.delete(noisy.keys().next().value!);
  }

  function createListener(transport: DeviceListenerName): ListenerLimits {
    const table = new Map<string, AddressState>();
    let open = 0;

    /** The address's state, marked most recently seen, its bucket refilled to now. */
    function stateOf(address: string): AddressState {
      const at = now();
      let state = table.get(address);
      if (state) {
        table.delete(address);
        const rate = limits.connectionRatePerAddress;
        state.tokens = Math.min(rate, state.tokens + ((at - state.refilledAt) * rate) / 1000);
        state.refilledAt = at;
      } else {
        state = { open: 0, tokens: limits.connectionRatePerAddress, refilledAt: at };
      }
      table.set(address, state);
      // A forgotten address with connections still open only loses its cap until they close: the total still holds.
      if (table.size > trackedAddresses) table.delete(table.keys().next().value!);
      return state;
    }

    /** Takes one token from the address's bucket, or says which limit refused it. */
    function take(state: AddressState): RefusalReason | null {
      if (state.tokens < 1) return 'address-rate';
      state.tokens -= 1;
      return null;
    }

    return {
      admitConnection(raw) {
        const address = peerAddress(raw) ?? 'unknown';
        const state = stateOf(address);
        const reason: RefusalReason | null =
          open >= limits.connectionsPerListener
            ? 'listener-connections'
            : state.open >= limits.connectionsPerAddress
              ? 'address-connections'
              : take(state);
        if (reason) {
          count(transport, reason, address);
          return null;
        }
        open++;
        state.open++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          open--;
          state.open--;
        };
      },
      admitDatagram(raw) {
        const address = peerAddress(raw) ?? 'unknown';
        const reason = take(stateOf(address));
        if (reason) count(transport, reason, address);
        return reason === null;
      },
      refused(reason, raw) {
        count(transport, reason, peerAddress(raw));
      },
    };
  }

  return {
    settings: limits,
    forListener(name) {
      let listener = listeners.get(name);
      if (!listener) {
        listener = createListener(name);
        listeners.set(name, listener);
      }
      return listener;
    },
    refusals() {
      return {
        total,
        byReason: [...counts.values()].map((c) => ({ ...c })).sort((a, b) => b.count - a.count),
        topAddresses: [...noisy.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, noisyAddressesShown)
          .map(([address, n]) => ({ address, count: n })),
        limits: { ...limits },
      };
    },
    get generation() {
      return total;
    },
  };
}

/**
 * Cuts every TCP connection `limits` refuses as soon as it is accepted, before the server's own listener (HTTP's
 * parser, a TLS handshake, the MQTT broker) spends anything on it, and gives the slot back when an admitted one closes.
 */
export function admitConnections(server: Server, limits: ListenerLimits): void {
  server.prependListener('connection', (socket: Socket) => {
    const release = limits.admitConnection(socket.remoteAddress);
    if (release === null) return void socket.destroy();
    // 'close' is emitted once and release() is idempotent: no once() wrapper per connection of a burst.
    socket.on('close', release);
  });
}
