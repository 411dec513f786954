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
import { reasonText } from '../../../shared/event-reasons.ts';

export interface MqttTransportOptions extends DeviceTransportOptions {
  /** How long a provision session stays open after its answer. ThingsBoard: 60 s (DeviceProvisionCallback). */
  provisionCloseDelayMs?: number;
  /** Largest PUBLISH payload accepted; a larger one closes the session. ThingsBoard: NETTY_MAX_PAYLOAD_SIZE, 64 KiB. */
  maxPayloadBytes?: number;
  /**
   * Largest MQTT packet (its remaining length, MQTT 3.1.1 §2.2.3) read at all; a larger one closes the connection at
   * its header. ThingsBoard's MqttDecoder(NETTY_MAX_PAYLOAD_SIZE) bounds the same length; the default here leaves a
   * full 64 KiB payload room for its topic name (up to 64 KiB, §1.5.3).
   */
  maxPacketBytes?: number;
  /** Longest keep-alive a session gets, in seconds: a silent one is dropped after 1.5 × this (mqtt-sessions.ts). */
  maxKeepAliveS?: number;
}

export const mqttDefaults = {
  provisionCloseDelayMs: 60_000,
  maxPayloadBytes: 65_536,
  maxPacketBytes: 65_536 + 65_600,
  maxKeepAliveS: 3600,
} as const;

// aedes's own words for a socket that sent no CONNECT within its connectTimeout (30 s, lib/client.js).
const noConnectInTime = 'connect did not arrive in time';

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
    maxKeepAliveS: options.maxKeepAliveS ?? mqttDefaults.maxKeepAliveS,
  });
  const packetLimit = options.maxPacketBytes ?? mqttDefaults.maxPacketBytes;
  // Every socket, including those that never complete an MQTT CONNECT: the broker only knows connected clients.
  const sockets = new Set<Socket>();
  let broker: Aedes | null = null;
  let listening: Promise<{ address: string; port: number }> | null = null;
  let closing: Promise<void> | null = null;

  const onConnection = (socket: Socket) => {
    // Already cut by the limits (admitConnections) on accept.
    if (socket.destroyed) return;
    if (!broker || broker.closed || closing) return void socket.destroy();
    guardPacketSizes(socket, packetLimit, (declared) => {
      options.limits?.refused('too-large', socket.remoteAddress);
      // Most likely a provisioning request; either way it is an attempt, and audited (throttled per address).
      options.service.rejectMalformed(
        declared === null ? reasonText('mqttBadLength') : reasonText('mqttTooLarge', { bytes: declared, limit: packetLimit }),
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
    // Silent past 1.5 × its keep-alive: a vanished device, or one holding a connection open without using it.
    started.on('keepaliveTimeout', (client) => options.limits?.refused('idle', remoteAddressOf(client)));
    started.on('connectionError', (client, err) => {
      // A client without an id yet: it never completed a CONNECT.
      if (err.message === noConnectInTime) options.limits?.refused('idle', remoteAddressOf(client));
      log(`mqtt: ${sessions.describe(client)} dropped: ${err.message}`);
    });
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

function remoteAddressOf(client: { conn: unknown }): string | undefined {
  return (client.conn as { remoteAddress?: string }).remoteAddress;
}
