import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { pahoScript, runTool } from '../support/mqtt-clients.ts';
import { createLan, deviceAddress, type Lan, namespacesUnavailable, stationAddress } from '../support/netns.ts';
import { coapClient, curl } from '../support/real-clients.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';

// The real LAN path: `fieldstation serve` in one network namespace, devices in another, joined by a veth pair on
// TEST-NET-1 (192.0.2.0/24). Every request and every reply crosses a non-loopback interface, so a reply sent to the
// wrong address (127.0.0.1, say) never arrives. Devices are stock clients: curl, libcoap, mosquitto, Paho.

const unavailable = namespacesUnavailable();
if (unavailable !== null) console.log(`lan-namespaces: skipped: ${unavailable}`);

const NOT_FOUND = '{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}';
const FAILURE = '{"errorMsg":"Failed to provision device!","status":"FAILURE"}';
const key = 'lan-key';
const secret = 'lan-secret';

describe.skipIf(unavailable !== null)('station and devices on two hosts of a LAN (network namespaces)', () => {
  let lan: Lan;
  let dataDir: string;
  const serving: ServeProcess[] = [];

  beforeAll(() => {
    lan = createLan();
    dataDir = tempDir();
    const added = runCli(['profile', 'add', '--data', dataDir, '--name', 'lan', '--key', key, '--secret', secret, '--strategy', 'allow-create']);
    expect(added.status, added.stderr).toBe(0);
  });
  // Namespaces outlive a failed test unless removed: always, whatever happened.
  afterAll(async () => {
    await Promise.all(serving.map((s) => s.stop(2000)));
    lan?.remove();
  });

  const serve = async (args: string[] = []) => {
    const s = await startServe({ dataDir, prefix: lan.exec(lan.station.netns), args });
    serving.push(s);
    return s;
  };
  const inDevice = (cmd: string, args: string[], timeoutMs = 15_000) => runTool('ip', ['netns', 'exec', lan.device.netns, cmd, ...args], timeoutMs);
  const provisionBody = (extra: object = {}) => JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: secret, ...extra });
  /** Where the station saw each provisioning attempt of this device come from (its audit trail). */
  const seenFrom = (name: string) => {
    const db = new Database(join(dataDir, 'station.db'), { readonly: true });
    try {
      return db.prepare("SELECT DISTINCT remote_address FROM events WHERE device_name = ? AND remote_address IS NOT NULL").pluck().all(name);
    } finally {
      db.close();
    }
  };

  describe('bound to all interfaces (the default)', () => {
    let s: ServeProcess;
    const lanUrl = (name: string) => new RegExp(`^\\s+devices use (${name}://${stationAddress.replaceAll('.', '\\.')}:\\d+\\S*)$`, 'm');
    const printed = (name: string) => lanUrl(name).exec(s.output())?.[1] ?? '';
    beforeAll(async () => {
      s = await serve();
    });

    it('prints listeners on 0.0.0.0 and, for devices, URLs on the LAN address; the admin UI stays on 127.0.0.1', async () => {
      for (const name of ['http', 'mqtt', 'coap']) expect(s.listeners.find((l) => l.name === name)?.address).toBe('0.0.0.0');
      expect(s.listeners.find((l) => l.name === 'ui')?.address).toBe('127.0.0.1');
      expect(printed('http')).toBe(`http://${stationAddress}:${s.ports.http}/api/v1/provision`);
      expect(printed('mqtt')).toBe(`mqtt://${stationAddress}:${s.ports.mqtt}`);
      expect(printed('coap')).toBe(`coap://${stationAddress}:${s.ports.coap}/api/v1/provision`);
      // From the device's host the admin port is closed: the UI and API never listen on the LAN.
      const ui = await curl(`http://${stationAddress}:${s.ports.ui}/healthz`, { method: 'GET', netns: lan.device.netns, timeoutSec: 3 });
      expect(ui.status).toBe(0);
      expect(ui.error).toMatch(/refused|connect/i);
    });

    it('HTTP: curl on the other host provisions through the printed URL, gets NOT_FOUND and SUCCESS, then sends telemetry', async () => {
      const url = printed('http');
      const wrong = await curl(url, { body: JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: 'nope' }), netns: lan.device.netns });
      expect(wrong).toMatchObject({ status: 200, body: NOT_FOUND });
      const ok = await curl(url, { body: provisionBody({ deviceName: 'lan-http', token: 'lan-http-token' }), netns: lan.device.netns });
      expect(ok).toMatchObject({ status: 200, body: '{"credentialsValue":"lan-http-token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}' });
      const telemetry = await curl(`http://${stationAddress}:${s.ports.http}/api/v1/lan-http-token/telemetry`, { body: '{"t":21}', netns: lan.device.netns });
      expect(telemetry.status).toBe(200);
      expect(seenFrom('lan-http')).toEqual([deviceAddress]);
    });

    it('CoAP: FAILURE and NOT_FOUND replies (4.00 with the JSON body) reach a device on another address, as SUCCESS does', async () => {
      const url = printed('coap');
      const wrong = await coapClient(url, { payload: JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: 'nope' }), netns: lan.device.netns });
      expect({ code: wrong.code, payload: wrong.payload }, wrong.log).toEqual({ code: '4.00', payload: NOT_FOUND });
      const created = await coapClient(url, { payload: provisionBody({ deviceName: 'lan-coap', token: 'lan-coap-token' }), netns: lan.device.netns });
      expect(created.code, created.log).toBe('2.01');
      // The same name again: allow-create answers FAILURE (DeviceProvisionServiceImpl), 4.00 with its JSON.
      const again = await coapClient(url, { payload: provisionBody({ deviceName: 'lan-coap' }), netns: lan.device.netns });
      expect({ code: again.code, payload: again.payload, options: again.options }, again.log).toEqual({
        code: '4.00',
        payload: FAILURE,
        options: 'Content-Format:application/json',
      });
      expect(seenFrom('lan-coap')).toEqual([deviceAddress]);
    });

    it("CoAP: node-coap's own error replies (Observe on a POST) go back to the device, not to 127.0.0.1", async () => {
      // node-coap answers this itself, before the station's handler (Server._sendError); unpatched, the answer went
      // to 127.0.0.1 and the device waited in vain.
      const r = await coapClient(printed('coap'), { payload: provisionBody({ deviceName: 'lan-observe' }), observe: true, timeoutSec: 3, netns: lan.device.netns });
      // node-coap sends it as a NON without the request's token, so libcoap prints it in its trace (then answers it
      // itself): the line proves it crossed the LAN to the device.
      expect(r.log).toMatch(/^v:1 t:NON c:5\.00 i:\w+ \{\} \[ \] :: 'Observe can only be present with a GET or a FETCH'$/m);
    });

    it('MQTT: mosquitto_pub provisions from the other host, Paho hears the answer, mosquitto_sub its SUBACK refusal', async () => {
      const port = String(s.ports.mqtt);
      const pub = await inDevice('mosquitto_pub', ['-h', stationAddress, '-p', port, '-u', 'provision', '-q', '1', '-t', '/provision/request', '-m', provisionBody({ deviceName: 'lan-mqtt', token: 'lan-mqtt-token' })]);
      expect(pub.code, pub.stderr).toBe(0);
      const devices = JSON.parse(runCli(['devices', '--data', dataDir, '--json']).stdout) as Array<{ name: string; credentialsValue: string; provisionedVia: string }>;
      expect(devices.find((d) => d.name === 'lan-mqtt')).toMatchObject({ credentialsValue: 'lan-mqtt-token', provisionedVia: 'mqtt' });
      expect(seenFrom('lan-mqtt')).toEqual([deviceAddress]);

      const telemetry = await inDevice('mosquitto_pub', ['-h', stationAddress, '-p', port, '-u', 'lan-mqtt-token', '-q', '1', '-t', 'v1/devices/me/telemetry', '-m', '{"t":20}']);
      expect(telemetry.code, telemetry.stderr).toBe(0);

      const paho = await inDevice('/usr/bin/python3', [pahoScript, '--host', stationAddress, '--port', port, '--timeout', '10', '--username', 'provision', '--subscribe', '/provision/response@1', '--publish', '/provision/request', provisionBody({ deviceName: 'lan-mqtt' }), '--count', '1']);
      const answer = paho.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; payload?: string }).find((e) => e.event === 'message');
      expect(answer?.payload, paho.stdout + paho.stderr).toBe(FAILURE);

      const sub = await inDevice('mosquitto_sub', ['-h', stationAddress, '-p', port, '-u', 'provision', '-q', '1', '-t', 'v1/devices/me/attributes', '-E', '-d']);
      expect(sub.stdout).toMatch(/Subscribed \(mid: \d+\): 128/);
    });
  });

  describe('bound to the LAN address only (--bind)', () => {
    let s: ServeProcess;
    beforeAll(async () => {
      await Promise.all(serving.splice(0).map((x) => x.stop(2000)));
      s = await serve(['--bind', stationAddress]);
    });

    it('listens on that address alone: devices reach it, the station host\'s own loopback does not', async () => {
      for (const name of ['http', 'mqtt', 'coap']) expect(s.listeners.find((l) => l.name === name)?.address).toBe(stationAddress);
      expect(s.output()).toContain(`http  listening on ${stationAddress}:${s.ports.http}  http://${stationAddress}:${s.ports.http}/api/v1/provision`);
      const url = `http://${stationAddress}:${s.ports.http}/api/v1/provision`;
      expect(await curl(url, { body: provisionBody({ deviceName: 'lan-bound' }), netns: lan.device.netns })).toMatchObject({ status: 200, body: expect.stringContaining('"SUCCESS"') });
      const coap = await coapClient(`coap://${stationAddress}:${s.ports.coap}/api/v1/provision`, { payload: provisionBody({ deviceName: 'lan-bound' }), netns: lan.device.netns });
      expect({ code: coap.code, payload: coap.payload }, coap.log).toEqual({ code: '4.00', payload: FAILURE });
      const local = await curl(`http://127.0.0.1:${s.ports.http}/api/v1/provision`, { body: provisionBody(), netns: lan.station.netns, timeoutSec: 3 });
      expect(local.status).toBe(0);
    });
  });
});
