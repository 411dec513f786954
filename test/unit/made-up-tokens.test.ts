import { describe, expect, it } from 'vitest';
import { credentialsFromInput, credentialsFromRequest, madeUpAccessToken } from '../../electron/station/provisioning/credentials.ts';

describe('access tokens the station makes up', () => {
  it('are 20 alphanumerics, as ThingsBoard makes them, and never the same twice', () => {
    const tokens = Array.from({ length: 5_000 }, () => madeUpAccessToken());
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    // The secret part: the last 16 characters differ between any two tokens made one after the other.
    expect(new Set(tokens.map((t) => t.slice(4))).size).toBe(tokens.length);
  });

  it('sort in the order they were made, so new devices land next to each other in the credentials index', () => {
    const tokens = Array.from({ length: 1_000 }, () => madeUpAccessToken());
    // One wrap of the 62^4 counter may fall inside the run (it starts at a random value): at most one step down.
    const down = tokens.filter((t, i) => i > 0 && t < tokens[i - 1]!).length;
    // Purely random tokens would step down about half the time.
    expect(down).toBeLessThanOrEqual(1);
  });

  it('are what a device gets when it asks for ACCESS_TOKEN without one, or a device is added without credentials', () => {
    // Both take the next value of the same counter, between two tokens made directly.
    const before = madeUpAccessToken();
    const asked = credentialsFromRequest({ deviceName: 'd', provisionDeviceKey: 'k', provisionDeviceSecret: 's' });
    const added = credentialsFromInput(undefined, 'ACCESS_TOKEN');
    const after = madeUpAccessToken();
    const steps = [before, 'credentialsId' in asked ? asked.credentialsId : null, added?.credentialsId, after].map((t) => head(t!));
    expect(steps.map((n) => (n - steps[0]! + span) % span)).toEqual([0, 1, 2, 3]);
    for (const c of [asked, added]) expect(c).toMatchObject({ type: 'ACCESS_TOKEN', credentialsId: expect.stringMatching(/^[A-Za-z0-9]{20}$/) });
    // A token the device brings is kept as it is.
    expect(credentialsFromRequest({ deviceName: 'd', provisionDeviceKey: 'k', provisionDeviceSecret: 's', token: 'mine' })).toMatchObject({ value: 'mine' });
  });
});

const span = 62 ** 4;
const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A token's counting part as a number (its first 4 characters, base 62 in byte order). */
const head = (token: string) => [...token.slice(0, 4)].reduce((n, c) => n * 62 + digits.indexOf(c), 0);
