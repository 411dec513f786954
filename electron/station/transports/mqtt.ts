import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import { closeTcp, listenTcp } from '../net/listen.ts';
import type { TransportServer } from '../provisioning/types.ts';
import { createMqttSessions } from './mqtt-sessions.ts';
import type { DeviceTransportOptions } from './options.ts';
import { guardPacketSizes } from './mqtt-packet-guard.ts';
import { peerAddress } from '../net/peer-address.ts';
import { admitConnections } from '../net/source-limits.ts';

export interface MqttTransportOptions extends DeviceTransportOptions {
  /** How long a provision session stays open after its answer. ThingsBoard: 60 s (DeviceProvisionCallback). */
  provisionCloseDelayMs?: number;
  /** Largest PUBLISH payload accepted; a larger one closes the session. ThingsBoard: NETTY_MAX_PAYLOAD_SIZE, 64 KiB. */
  maxPayloadBytes?: number;
}

export const mqttDefaults = { provisionCloseDelayMs: 60_000, maxPayloadBytes: 65_536 } as const;

/**
 * The ThingsBoard MQTT device API on an embedded aedes broker (MQTT 3.1.1): provision sessions and first-contact
 * device sessions. It is not a general broker: no client publish is ever routed to another client.
 */
export function createMqttTransport(options: MqttTransportOptions): TransportServer {
  const log = options.log ?? (() => {});
  const maxPayloadBytes = options.maxPayloadBytes ?? mqttDefaults.maxPayloadBytes;
  const sessions = createMqttSessions({
    service: options.service,
    deviceApi: options.deviceApi,
    log,
    provisionCloseDelayMs: options.provisionCloseDelayMs ?? mqttDefaults.provisionCloseDelayMs,
    maxPayloadBytes,
  });
  // Every socket, including those that never complete an MQTT CONNECT: the broker only knows connected clients.
  const sockets = new Set<Socket>();
  let broker: Aedes | null = null;
  let listening: Promise<{ address: string; port: number }> | null = null;
  let closing: Promise<void> | null = null;

  const onConnection = (socket: Socket) => {
    // Already cut by the limits (admitConnections) on accept.
    if (socket.destroyed) return;
    if (!broker || broker.closed || closing) return void socket.destroy();
    // Topic names may add up to 64 KiB to a publish (MQTT 3.1.1 §1.5.3) on top of the payload limit.
    const packetLimit = maxPayloadBytes + 65_600;
    guardPacketSizes(socket, packetLimit, (declared) => {
      options.limits?.refused('too-large', socket.remoteAddress);
      // Most likely a provisioning request; either way it is an attempt, and audited (throttled per address).
      options.service.rejectMalformed(
        declared === null ? 'an MQTT packet with a malformed length' : `an MQTT packet of ${declared} bytes, over the ${packetLimit} allowed`,
        { transport: 'mqtt', remoteAddress: peerAddress(socket.remoteAddress) },
      );
    });
    broker.handle(socket);
  };
  // Without noDelay every QoS 1 round trip waits ~40 ms for Nagle's algorithm and delayed ACKs.
  // MQTTS asks for a client certificate but lets any through (ThingsBoard's MqttSslHandlerProvider: wantClientAuth,
  // not needClientAuth): devices may still log in with a token, and a certificate is looked up by its hash at
  // CONNECT (mqtt-sessions.ts), so self-signed device certificates work, as in ThingsBoard.
  const secure = options.tls ? createTlsServer({ noDelay: true, requestCert: true, rejectUnauthorized: false }, onConnection) : null;
  const server = secure ?? createServer({ noDelay: true }, onConnection);
  // Raw sockets, so that a TLS handshake still under way is cut at close too.
  if (options.limits) admitConnections(server, options.limits);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  secure?.on('tlsClientError', (err) => log(`mqtts: TLS handshake failed: ${err.message}`));

  async function start(): Promise<{ address: string; port: number }> {
    const started = await Aedes.createBroker(sessions.hooks);
    broker = started;
    sessions.attach(started);
    // Persistence failures would otherwise be an unhandled 'error' event and end the process.
    // (aedes's typings omit the 'error' event, hence addListener.)
    started.addListener('error', (err: Error) => log(`mqtt broker: ${err.message}`));
    started.on('clientError', (client, err) => log(`mqtt: ${sessions.describe(client)} closed: ${err.message}`));
    started.on('connectionError', (client, err) => log(`mqtt: ${sessions.describe(client)} dropped: ${err.message}`));
    try {
      if (secure) await options.tls?.attach(secure, options.host);
      const port = await listenTcp(server, secure ? 'mqtts' : 'mqtt', options.host, options.port);
      server.on('error', (err) => log(`mqtt listener: ${err.message}`));
      return { address: options.host, port };
    } catch (err) {
      await new Promise<void>((resolve) => started.close(() => resolve()));
      throw err;
    }
  }

  async function shutdown(): Promise<void> {
    if (listening) await listening.catch(() => {});
    const serverClosed = closeTcp(server);
    if (broker) {
      const closingBroker = broker;
      await new Promise<void>((resolve) => closingBroker.close(() => resolve()));
    }
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await serverClosed;
    await sessions.drain();
  }

  return {
    listen() {
      if (closing) return Promise.reject(new Error('the MQTT transport is closed'));
      listening ??= start();
      return listening;
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
