import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimProtocol, SimulationSummary } from '../../electron/cli/simulate/types.ts';
import type { Device } from '../../shared/devices.ts';
import { runCliAsync } from '../support/cli.ts';
import { startTestStation, type TestStation } from '../support/station.ts';

// `fieldstation simulate` as a technician runs it (the built CLI, a child process), against a real station in this
// process on port 0.

const key = 'sim-test-key';
const secret = 'sim-test-secret';
const devices = 50;

let s: TestStation;

beforeAll(async () => {
  s = await startTestStation();
  await s.call('profiles.add', { name: 'rehearsal', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' });
});

afterAll(async () => {
  await s?.station.stop();
});

async function simulate(protocol: SimProtocol, extra: string[]): Promise<{ status: number | null; summary: SimulationSummary; stderr: string }> {
  const args = ['simulate', '--protocol', protocol, '--port', String(s.ports[protocol]), '--host', '127.0.0.1', '--key', key];
  const r = await runCliAsync([...args, ...extra, '--json']);
  let summary: SimulationSummary;
  try {
    summary = JSON.parse(r.stdout) as SimulationSummary;
  } catch {
    throw new Error(`simulate printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, summary, stderr: r.stderr };
}

async function devicesNamed(prefix: string): Promise<Device[]> {
  return (await s.call('devices.list', {})).filter((d) => d.name.startsWith(`${prefix}-`));
}

describe('fieldstation simulate', () => {
  it.each(['http', 'mqtt', 'coap'] as const)('provisions %s devices, sends telemetry, and the station sees them online', async (protocol) => {
    const prefix = `rehearse-${protocol}`;
    const { status, summary, stderr } = await simulate(protocol, [
      '--secret',
      secret,
      '--devices',
      String(devices),
      '--concurrency',
      '10',
      '--telemetry',
      '--name-prefix',
      prefix,
    ]);
    expect(summary, stderr).toMatchObject({
      protocol,
      devices,
      concurrency: 10,
      namePrefix: prefix,
      succeeded: devices,
      failed: 0,
      outcomes: { SUCCESS: devices, NOT_FOUND: 0, FAILURE: 0, errors: 0 },
      errors: [],
      telemetry: { sent: devices, acknowledged: devices, failed: 0 },
      ok: true,
    });
    expect(summary.rate).toBeGreaterThan(0);
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    expect(status).toBe(0);
    // Progress went to stderr, so stdout stayed one JSON document.
    expect(stderr).toContain(`provisioning over ${protocol}: ${devices}/${devices} (100%)`);

    const stored = await devicesNamed(prefix);
    expect(stored).toHaveLength(devices);
    // Each was heard from; an MQTT device that hung up after its message is offline again (presence.ts).
    const heard = protocol === 'mqtt' ? 'offline' : 'online';
    expect(stored.filter((d) => d.state === heard && d.provisionedVia === protocol && d.lastSeenAt !== null)).toHaveLength(devices);
  });

  it('MQTT_BASIC devices log in with the credentials they asked for; X.509 devices provision over CoAP', async () => {
    const basic = await simulate('mqtt', ['--secret', secret, '--devices', '10', '--credentials', 'mqtt-basic', '--telemetry', '--name-prefix', 'basic']);
    expect(basic.status).toBe(0);
    expect(basic.summary).toMatchObject({ succeeded: 10, telemetry: { acknowledged: 10 } });
    expect((await devicesNamed('basic')).map((d) => [d.credentialsType, d.state])).toEqual(Array(10).fill(['MQTT_BASIC', 'offline']));

    const x509 = await simulate('coap', ['--secret', secret, '--devices', '5', '--credentials', 'x509', '--name-prefix', 'cert']);
    expect(x509.status).toBe(0);
    expect((await devicesNamed('cert')).map((d) => [d.credentialsType, d.state])).toEqual(Array(5).fill(['X509_CERTIFICATE', 'provisioned']));
  });

  it('a wrong secret is counted as NOT_FOUND and exits 1; nothing is created', async () => {
    const { status, summary } = await simulate('http', ['--secret', 'not-the-secret', '--devices', '12', '--name-prefix', 'wrong']);
    expect(status).toBe(1);
    expect(summary).toMatchObject({ succeeded: 0, failed: 12, outcomes: { SUCCESS: 0, NOT_FOUND: 12, FAILURE: 0, errors: 0 }, ok: false });
    expect(await devicesNamed('wrong')).toHaveLength(0);
  });

  it('names already taken answer FAILURE; a closed port is counted as errors', async () => {
    const again = await simulate('coap', ['--secret', secret, '--devices', '3', '--name-prefix', 'rehearse-coap']);
    expect(again.status).toBe(1);
    expect(again.summary.outcomes).toEqual({ SUCCESS: 0, NOT_FOUND: 0, FAILURE: 3, errors: 0 });

    const closed = await runCliAsync(['simulate', '--protocol', 'http', '--port', '1', '--key', key, '--secret', secret, '--devices', '2', '--json']);
    expect(closed.status).toBe(1);
    const summary = JSON.parse(closed.stdout) as SimulationSummary;
    expect(summary.outcomes.errors).toBe(2);
    expect(summary.errors[0]?.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses bad flags with one plain line and exit 2', async () => {
    const cases: [string[], string][] = [
      [['--protocol', 'zigbee', '--devices', '1', '--key', 'k', '--secret', 's'], "--protocol must be one of http, mqtt, coap, not 'zigbee'"],
      [['--protocol', 'http', '--devices', '0', '--key', 'k', '--secret', 's'], "--devices must be a whole number from 1 to 1000000, not '0'"],
      [['--protocol', 'http', '--key', 'k', '--secret', 's'], '--devices is required'],
      [['--protocol', 'coap', '--devices', '1', '--key', 'k', '--secret', 's', '--credentials', 'x509', '--telemetry'], 'X.509 devices'],
      [['--protocol', 'http', '--devices', '1', '--key', 'k', '--secret', 's', '--credentials', 'mqtt-basic', '--telemetry'], 'MQTT_BASIC credentials only log in over MQTT'],
    ];
    for (const [args, message] of cases) {
      const r = await runCliAsync(['simulate', ...args]);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });
});
