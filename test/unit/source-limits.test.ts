import { describe, expect, it } from 'vitest';
import { createSourceLimits } from '../../electron/station/net/source-limits.ts';

// The limiter on its own, with a clock the test moves: what one address may take, and that the others keep theirs.

function clock() {
  let t = 1_000_000;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('source limits', () => {
  it('caps open connections per address, and gives a slot back when a connection closes', () => {
    const c = clock();
    const limits = createSourceLimits({ connectionsPerAddress: 3, connectionRatePerAddress: 100, connectionsPerListener: 100 }, c.now);
    const http = limits.forListener('http');
    const held = [1, 2, 3].map(() => http.admitConnection('10.0.0.9'));
    expect(held.every((r) => r !== null)).toBe(true);
    expect(http.admitConnection('10.0.0.9')).toBeNull();
    // Another address is not touched by the first one's cap, nor another listener by this one's.
    expect(http.admitConnection('10.0.0.10')).not.toBeNull();
    expect(limits.forListener('mqtt').admitConnection('10.0.0.9')).not.toBeNull();
    held[0]!();
    held[0]!(); // twice (close after an error) gives back one slot, not two
    expect(http.admitConnection('10.0.0.9')).not.toBeNull();
    expect(http.admitConnection('10.0.0.9')).toBeNull();
    expect(limits.refusals().byReason).toEqual([{ transport: 'http', reason: 'address-connections', count: 2 }]);
  });

  it('limits new connections per second per address with a bucket that refills', () => {
    const c = clock();
    const limits = createSourceLimits({ connectionsPerAddress: 1000, connectionRatePerAddress: 10, connectionsPerListener: 1000 }, c.now);
    const mqtt = limits.forListener('mqtt');
    const admitted = () => Array.from({ length: 50 }, () => mqtt.admitConnection('10.0.0.9')).filter((r) => r !== null).length;
    expect(admitted()).toBe(10);
    c.advance(500);
    expect(admitted()).toBe(5);
    c.advance(60_000);
    // A long quiet spell refills to one second's worth, no more.
    expect(admitted()).toBe(10);
    expect(mqtt.admitConnection('10.0.0.1')).not.toBeNull();
    expect(limits.refusals().byReason).toEqual([{ transport: 'mqtt', reason: 'address-rate', count: 125 }]);
  });

  it('caps a listener in total, whatever the addresses', () => {
    const limits = createSourceLimits({ connectionsPerAddress: 10, connectionRatePerAddress: 10, connectionsPerListener: 5 });
    const https = limits.forListener('https');
    const results = Array.from({ length: 8 }, (_, i) => https.admitConnection(`10.0.1.${i}`));
    expect(results.filter((r) => r !== null)).toHaveLength(5);
    results[0]?.();
    expect(https.admitConnection('10.0.2.1')).not.toBeNull();
    expect(limits.refusals().byReason).toEqual([{ transport: 'https', reason: 'listener-connections', count: 3 }]);
  });

  it('drops datagrams over the rate and counts refusals by address, the noisiest first', () => {
    const c = clock();
    const limits = createSourceLimits({ connectionRatePerAddress: 4 }, c.now);
    const coap = limits.forListener('coap');
    const sent = (address: string, n: number) => Array.from({ length: n }, () => coap.admitDatagram(address)).filter(Boolean).length;
    expect(sent('::ffff:10.0.0.7', 100)).toBe(4);
    expect(sent('10.0.0.8', 10)).toBe(4);
    expect(sent('10.0.0.9', 4)).toBe(4);
    coap.refused('too-large', '10.0.0.9');
    const r = limits.refusals();
    expect(r.total).toBe(96 + 6 + 1);
    // IPv4-mapped and plain IPv4 are one address (net/peer-address.ts).
    expect(r.topAddresses).toEqual([
      { address: '10.0.0.7', count: 96 },
      { address: '10.0.0.8', count: 6 },
      { address: '10.0.0.9', count: 1 },
    ]);
    expect(r.limits.connectionRatePerAddress).toBe(4);
  });

  it('after a sweep of 20,000 addresses (more than it remembers) the most recent one is still held to its cap', () => {
    const limits = createSourceLimits({ connectionsPerAddress: 1, connectionRatePerAddress: 1000, connectionsPerListener: 1_000_000 });
    const http = limits.forListener('http');
    for (let i = 0; i < 20_000; i++) http.admitConnection(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(http.admitConnection('10.0.78.31')).toBeNull(); // i = 19999 is 10.0.78.31, still open
    expect(limits.refusals().topAddresses).toEqual([{ address: '10.0.78.31', count: 1 }]);
  });
});
