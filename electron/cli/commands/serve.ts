import { isIP } from 'node:net';
import { defaultDataDir } from '../../station/data-dir.ts';
import { type DeviceListenerName, deviceListenerNames } from '../../station/device-listeners.ts';
import { createStation, defaultPorts } from '../../station/station.ts';
import { type Command, dataOption, portOption, positiveInteger, stringOption, UsageError } from '../command.ts';
import { defaultSourceLimits } from '../../station/net/source-limits.ts';
import { defaultBlockwiseLimits } from '../../station/transports/coap-blockwise-peers.ts';
import { coapDefaults } from '../../station/transports/coap.ts';
import { defaultHttpTimeouts } from '../../station/transports/http.ts';
import { mqttDefaults } from '../../station/transports/mqtt.ts';
import { adminTimeouts } from '../../station/api/admin-server.ts';

// Exit promptly after a signal even if a peer keeps a socket half-open.
const forcedExitMs = 1800;

export const serve: Command = {
  summary: 'run the station headless: device listeners on the LAN, the UI and admin API on 127.0.0.1',
  usage:
    'fieldstation serve [--data DIR] [--bind ADDR] [--http-port N] [--mqtt-port N] [--coap-port N] [--ui-port N] [--https-port N] [--mqtts-port N] [--listeners http,mqtt,coap,https,mqtts|none] [--max-connections-per-address N] [--max-connection-rate N] [--max-connections N] [--mqtt-max-keep-alive SECONDS] [--mqtt-max-packet-size BYTES] [--http-headers-timeout SECONDS] [--http-request-timeout SECONDS] [--coap-max-message-size BYTES] [--coap-max-blockwise-per-address N] [--coap-max-blockwise-bytes-per-address BYTES] [--coap-blockwise-idle SECONDS] [--ui-headers-timeout SECONDS] [--ui-request-timeout SECONDS]',
  options: {
    ...dataOption,
    bind: { type: 'string' },
    'http-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    'coap-port': { type: 'string' },
    'ui-port': { type: 'string' },
    'https-port': { type: 'string' },
    'mqtts-port': { type: 'string' },
    listeners: { type: 'string' },
    'max-connections-per-address': { type: 'string' },
    'max-connection-rate': { type: 'string' },
    'max-connections': { type: 'string' },
    'mqtt-max-keep-alive': { type: 'string' },
    'mqtt-max-packet-size': { type: 'string' },
    'http-headers-timeout': { type: 'string' },
    'http-request-timeout': { type: 'string' },
    'coap-max-message-size': { type: 'string' },
    'coap-max-blockwise-per-address': { type: 'string' },
    'coap-max-blockwise-bytes-per-address': { type: 'string' },
    'coap-blockwise-idle': { type: 'string' },
    'ui-headers-timeout': { type: 'string' },
    'ui-request-timeout': { type: 'string' },
  },
  async run(args) {
    const bind = stringOption(args, 'bind') ?? '0.0.0.0';
    if (isIP(bind) === 0) throw new UsageError(`--bind must be an IP address of this machine, not '${bind}'`);
    const listenersText = stringOption(args, 'listeners') ?? deviceListenerNames.join(',');
    const chosen = listenersText === 'none' ? [] : listenersText.split(',').map((s) => s.trim());
    for (const name of chosen) {
      if (!(deviceListenerNames as readonly string[]).includes(name)) {
        throw new UsageError(`--listeners takes a list of ${deviceListenerNames.join(', ')}, or none; not '${name}'`);
      }
    }
    const headersS = positiveInteger(args, 'http-headers-timeout', defaultHttpTimeouts.headersMs / 1000, 3600);
    const requestS = positiveInteger(args, 'http-request-timeout', Math.max(headersS, defaultHttpTimeouts.requestMs / 1000), 3600);
    // Node refuses a header timeout longer than the whole request's (http.createServer).
    if (requestS < headersS) throw new UsageError('--http-request-timeout must be at least --http-headers-timeout');
    const station = createStation({
      deviceListeners: chosen as DeviceListenerName[],
      dataDir: stringOption(args, 'data') ?? defaultDataDir(),
      bind,
      ports: {
        ui: portOption(args, 'ui-port') ?? defaultPorts.ui,
        http: portOption(args, 'http-port') ?? defaultPorts.http,
        mqtt: portOption(args, 'mqtt-port') ?? defaultPorts.mqtt,
        coap: portOption(args, 'coap-port') ?? defaultPorts.coap,
        // Left to the station when not given: 8443/8883, or a free port when --http-port/--mqtt-port is 0.
        https: portOption(args, 'https-port'),
        mqtts: portOption(args, 'mqtts-port'),
      },
      // A supervisor that restarts the station (or a test) may keep the UI link valid across restarts.
      secret: process.env.FIELDSTATION_UI_SECRET || undefined,
      // Per device listener: a site behind one NAT, or a simulator on one laptop, may need more per address.
      limits: {
        connectionsPerAddress: positiveInteger(args, 'max-connections-per-address', defaultSourceLimits.connectionsPerAddress, 1_000_000),
        connectionRatePerAddress: positiveInteger(args, 'max-connection-rate', defaultSourceLimits.connectionRatePerAddress, 1_000_000),
        connectionsPerListener: positiveInteger(args, 'max-connections', defaultSourceLimits.connectionsPerListener, 1_000_000),
      },
      // Each protocol's own bounds; every rejection is counted on the Server screen's Refused panel.
      transportLimits: {
        // 65535 s is the largest keep-alive MQTT can express (a 16-bit field, MQTT 3.1.1 §3.1.2.10).
        mqtt: {
          maxKeepAliveS: positiveInteger(args, 'mqtt-max-keep-alive', mqttDefaults.maxKeepAliveS, 65_535),
          // 268435455 is MQTT's largest remaining length (§2.2.3).
          maxPacketBytes: positiveInteger(args, 'mqtt-max-packet-size', mqttDefaults.maxPacketBytes, 268_435_455),
        },
        http: { headersMs: headersS * 1000, requestMs: requestS * 1000 },
        coap: {
          // A UDP datagram carries at most 65507 bytes of payload over IPv4.
          maxMessageBytes: positiveInteger(args, 'coap-max-message-size', coapDefaults.maxMessageBytes, 65_507),
          blockwise: {
            transfersPerPeer: positiveInteger(args, 'coap-max-blockwise-per-address', defaultBlockwiseLimits.transfersPerPeer, 100_000),
            bytesPerPeer: positiveInteger(args, 'coap-max-blockwise-bytes-per-address', defaultBlockwiseLimits.bytesPerPeer, 1 << 30),
            idleMs: positiveInteger(args, 'coap-blockwise-idle', defaultBlockwiseLimits.idleMs / 1000, 3600) * 1000,
          },
        },
      },
      // The admin UI/API closes a request that stalls (headers, or a body that stops arriving) after these.
      adminTimeouts: {
        headersMs: positiveInteger(args, 'ui-headers-timeout', adminTimeouts.headersMs / 1000, 3600) * 1000,
        requestMs: positiveInteger(args, 'ui-request-timeout', adminTimeouts.requestMs / 1000, 3600) * 1000,
      },
      log: (line) => console.error(line),
    });
    const info = await station.start();
    console.log(`Fieldstation station serving data directory ${info.dataDir}`);
    for (const l of info.listeners) {
      if (l.enabled) {
        console.log(`${l.name.padEnd(5)} listening on ${l.address}:${l.port}  ${l.url}`);
        // Bound to every interface: say which addresses devices on the LAN should use.
        for (const url of l.lanUrls.filter((u) => u !== l.url)) console.log(`      devices use ${url}`);
      }
      else console.log(`${l.name.padEnd(5)} off (switch it on in the UI)`);
    }
    console.log(`Open the UI: ${info.uiUrl}`);

    return new Promise<number>((resolve) => {
      const shutdown = (signal: string) => {
        console.log(`${signal}: stopping`);
        setTimeout(() => process.exit(0), forcedExitMs).unref();
        station.stop().then(
          () => resolve(0),
          (err: unknown) => {
            console.error(`fieldstation: error while stopping: ${(err as Error).message}`);
            resolve(1);
          },
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
  },
};
