import { describe, expect, it } from 'vitest';
import { fullJitter, retryDelay } from '../../electron/station/sync/backoff.ts';
import { open, seal } from '../../electron/station/sync/sealed.ts';
import { signWebhook } from '../../electron/station/sync/webhook.ts';
import { verifySignature } from '../support/webhook-receiver.ts';

// The small pieces sync relies on: retry timing, sealed credentials, the webhook signature.

describe('sync building blocks', () => {
  const policy = { baseMs: 100, capMs: 5000 };

  it('full jitter stays between 0 and the capped exponential ceiling', () => {
    expect(fullJitter(0, policy, () => 0.999)).toBe(99);
    expect(fullJitter(3, policy, () => 0.5)).toBe(400);
    expect(fullJitter(40, policy, () => 0.999)).toBe(4995);
    expect(fullJitter(1e9, policy, () => 0)).toBe(0);
  });

  it('a server-given Retry-After wins over jitter, up to the cap', () => {
    expect(retryDelay(0, 2000, policy, () => 0)).toBe(2000);
    expect(retryDelay(0, 86_400_000, policy, () => 0)).toBe(5000);
    expect(retryDelay(2, undefined, policy, () => 0.5)).toBe(200);
  });

  it('sealed secrets open only with the same key and for the same target', () => {
    const key = Buffer.alloc(32, 1);
    const box = seal(key, 'sync-target:a', '{"password":"p"}');
    expect(box).not.toContain('password');
    expect(open(key, 'sync-target:a', box)).toBe('{"password":"p"}');
    expect(() => open(Buffer.alloc(32, 2), 'sync-target:a', box)).toThrow('cannot be decrypted with this station key');
    expect(() => open(key, 'sync-target:b', box)).toThrow('cannot be decrypted');
    expect(seal(key, 'sync-target:a', 'x')).not.toBe(seal(key, 'sync-target:a', 'x')); // fresh IV each time
  });

  it('the webhook signature is what a receiver computes with node:crypto, and covers the timestamp', () => {
    const now = Math.floor(Date.now() / 1000);
    const body = '{"events":[]}';
    const header = signWebhook('s3cret-s3cret-s3cret', String(now), body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret-s3cret-s3cret', String(now), body, header)).toBe(true);
    expect(verifySignature('s3cret-s3cret-s3cret', String(now + 1), body, header)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', String(now), `${body} `, header)).toBe(false);
    expect(verifySignature('other', String(now), body, header)).toBe(false);
  });
});
