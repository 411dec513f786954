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
    expect(down).toBeLessThanOrEqual(1);
    // Purely random tokens would step down about half the time.
    expect(down).toBeLessThan(tokens.length / 4);
  });

  it('are what a device gets when it asks for ACCESS_TOKEN without one, or a device is added without credentials', () => {
    const asked = credentialsFromRequest({ deviceName: 'd', provisionDeviceKey: 'k', provisionDeviceSecret: 's' });
    const added = credentialsFromInput(undefined, 'ACCESS_TOKEN');
    for (const c of [asked, added]) expect(c).toMatchObject({ type: 'ACCESS_TOKEN', credentialsId: expect.stringMatching(/^[A-Za-z0-9]{20}$/) });
    // A token the device brings is kept as it is.
    expect(credentialsFromRequest({ deviceName: 'd', provisionDeviceKey: 'k', provisionDeviceSecret: 's', token: 'mine' })?.value).toBe('mine');
  });
});
