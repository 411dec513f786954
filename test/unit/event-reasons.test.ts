import { describe, expect, it } from 'vitest';
import { type EventReason, eventReasons, readReason, reasonText } from '../../shared/event-reasons.ts';

/** A value for each of a template's names that looks like what the station puts there. */
function sampleValues(template: string): Record<string, string | number> {
  const samples: Record<string, string | number> = {
    profile: 'meters (north)',
    field: 'provisionDeviceKey',
    types: 'ACCESS_TOKEN, MQTT_BASIC, X509_CERTIFICATE',
    bytes: 65536,
    limit: 16384,
    count: 3,
    from: 'meters',
    to: 'valves → old',
    state: 'handed-over',
    problem: 'the cloud has no device profile "meters" (400: Device profile is not found!)',
  };
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  for (const name of names) if (!(name in samples)) throw new Error(`no sample for {${name}}`);
  return Object.fromEntries(names.map((name) => [name, samples[name]!]));
}

describe('event reasons: the station writes them in English, the UI reads them back', () => {
  it('reads every reason back as the one it was written from, with its values', () => {
    for (const key of Object.keys(eventReasons) as EventReason[]) {
      const values = sampleValues(eventReasons[key]);
      const text = (reasonText as (k: EventReason, v?: Record<string, string | number>) => string)(key, Object.keys(values).length ? values : undefined);
      expect(text).not.toMatch(/[{}]/);
      expect(readReason(text), text).toEqual({ key, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])) });
    }
  });

  it('writes the same words the API gave before the list existed (scripts match them)', () => {
    expect(reasonText('wrongSecret')).toBe('wrong provision secret');
    expect(reasonText('profileDisabled', { profile: 'meters' })).toBe('provisioning is disabled on profile meters');
    expect(reasonText('fieldMissing', { field: 'provisionDeviceKey' })).toBe('provisionDeviceKey is missing');
    expect(reasonText('removedWas', { state: 'provisioned' })).toBe('removed (was provisioned)');
  });

  it('leaves words it does not know, and near misses, unread', () => {
    expect(readReason('a reason from an older station')).toBeNull();
    expect(readReason('wrong provision secret!')).toBeNull();
    expect(readReason(' device name is blank')).toBeNull();
    expect(readReason('is missing')).toBeNull();
  });
});
