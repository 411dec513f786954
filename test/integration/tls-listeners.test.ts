import { statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { runTool } from '../support/mqtt-clients.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';
import { adminRpc } from '../support/served-ui.ts';

// Issue 11: HTTPS and MQTTS with the station's own CA, and X.509 device login on MQTTS as ThingsBoard does it
// (MqttTransportHandler.processX509CertConnect). Real clients only: curl, mosquitto_pub, the openssl CLI.

const key = 'tls-profile-key';
const secret = 'tls-profile-secret';
const dataDir = tempDir();
const work = tempDir('fieldstation-tls-files-');
const caFile = join(work, 'ca.pem');
let station: ServeProcess;

/** A self-signed device certificate, as firmware makes one on its first boot. */
async function deviceCertificate(name: string): Promise<{ cert: string; key: string }> {
  const cert = join(work, `${name}.pem`);
  const keyFile = join(work, `${name}.key`);
  const r = await runTool('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', cert, '-subj', `/CN=${name}`, '-days', '30',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return { cert, key: keyFile };
}

function httpsProvision(port: number, body: object, trust: string[] = ['--cacert', caFile]) {
  return runTool('curl', [
    '-sS', '--max-time', '10', ...trust, '-H', 'content-type: application/json', '--data-binary', JSON.stringify(body),
    `https://127.0.0.1:${port}/api/v1/provision`,
  ]);
}

/** mosquitto_pub over TLS, trusting the exported CA; QoS 1, so it returns after the station's PUBACK (after commit). */
function publishTelemetry(port: number, client: string[], payload: string) {
  return runTool('mosquitto_pub', [
    '-h', '127.0.0.1', '-p', String(port), '--cafile', caFile, ...client, '-q', '1',
    '-t', 'v1/devices/me/telemetry', '-m', payload,
  ]);
}

const serve = () => startServe({ dataDir, args: ['--bind', '127.0.0.1'] });
const fingerprintOf = (pem: string) => runTool('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', pem]);

describe('TLS listeners and X.509 device login', () => {
  beforeAll(async () => {
    station = await serve();
    await adminRpc(station)('profiles.add', { name: 'tls', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' });
    const exported = await runCliAsync(['ca', 'export', '--data', dataDir, '--out', caFile]);
    expect(exported.status, exported.stderr).toBe(0);
  }, 60_000);
  afterAll(() => station?.stop());

  it('prints HTTPS and MQTTS listener lines beside the plain ones', () => {
    expect(station.listeners.map((l) => l.name)).toEqual(['ui', 'http', 'mqtt', 'coap', 'https', 'mqtts']);
    expect(station.listeners.find((l) => l.name === 'https')!.url).toBe(`https://127.0.0.1:${station.ports.https}/api/v1/provision`);
  });

  it('keeps the CA and server keys user-only', () => {
    for (const file of ['ca.key', 'server.key']) expect(statSync(join(dataDir, 'tls', file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'tls')).mode & 0o777).toBe(0o700);
  });

  it('serves HTTPS with a certificate that verifies against the exported CA, and only against it', async () => {
    const body = { deviceName: 'https-device', provisionDeviceKey: key, provisionDeviceSecret: secret };
    const trusted = await httpsProvision(station.ports.https!, body);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(trusted.stdout)).toMatchObject({ credentialsType: 'ACCESS_TOKEN', status: 'SUCCESS' });
    // Without the CA, curl has no reason to believe it is talking to the station.
    const untrusted = await httpsProvision(station.ports.https!, body, []);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/certificate/i);
  });

  it('logs a device in by its X.509 certificate on MQTTS and records its telemetry', async () => {
    const device = await deviceCertificate('meter-x509');
    const provisioned = await httpsProvision(station.ports.https!, {
      deviceName: 'meter-x509',
      provisionDeviceKey: key,
      provisionDeviceSecret: secret,
      credentialsType: 'X509_CERTIFICATE',
      hash: readFileSync(device.cert, 'utf8'),
    });
    expect(JSON.parse(provisioned.stdout)).toMatchObject({ credentialsType: 'X509_CERTIFICATE', status: 'SUCCESS' });

    // No user name at all: the certificate alone says who this is.
    const sent = await publishTelemetry(station.ports.mqtts!, ['--cert', device.cert, '--key', device.key], '{"t":1}');
    expect(sent.code, sent.stderr).toBe(0);
    const detail = (await adminRpc(station)('devices.get', { name: 'meter-x509' })) as {
      state: string;
      lastSeenAt: string | null;
      telemetry: Record<string, { value: unknown }>;
    };
    // Heard from over MQTTS, then offline again: mosquitto_pub hangs up after its one message.
    expect(detail.lastSeenAt).not.toBeNull();
    expect(detail.state).toBe('offline');
    expect(detail.telemetry['t']?.value).toBe(1);
  });

  it('refuses a certificate no device was provisioned with (CONNACK 5, not authorised)', async () => {
    const stranger = await deviceCertificate('stranger');
    const sent = await publishTelemetry(station.ports.mqtts!, ['--cert', stranger.cert, '--key', stranger.key], '{"t":2}');
    expect(sent.code).not.toBe(0);
    expect(sent.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('still takes access tokens on MQTTS from devices without a certificate', async () => {
    const r = await httpsProvision(station.ports.https!, { deviceName: 'token-over-tls', provisionDeviceKey: key, provisionDeviceSecret: secret, token: 'tls-token-1' });
    expect(JSON.parse(r.stdout)).toMatchObject({ credentialsValue: 'tls-token-1', status: 'SUCCESS' });
    const sent = await publishTelemetry(station.ports.mqtts!, ['-u', 'tls-token-1'], '{"t":3}');
    expect(sent.code, sent.stderr).toBe(0);
    const wrong = await publishTelemetry(station.ports.mqtts!, ['-u', 'no-such-token'], '{"t":3}');
    expect(wrong.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('keeps the same CA across a restart, so devices that trust it keep working', async () => {
    const before = await fingerprintOf(join(dataDir, 'tls', 'ca.pem'));
    await station.stop();
    station = await serve();
    const after = await fingerprintOf(join(dataDir, 'tls', 'ca.pem'));
    expect(after.stdout).toBe(before.stdout);
    const r = await httpsProvision(station.ports.https!, { deviceName: 'after-restart', provisionDeviceKey: key, provisionDeviceSecret: secret });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'SUCCESS' });
  }, 60_000);
});
