import type { Aedes, AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { ProvisionResponse } from '../../../shared/provisioning.ts';
import type { DeviceApi } from '../device-api/service.ts';
import type { DeviceIdentity, ProvisioningService, RequestOrigin } from '../provisioning/types.ts';
import { peerAddress } from '../net/peer-address.ts';
import { createMqttDeviceApi } from './mqtt-device-api.ts';
import { peerCertificate } from '../net/peer-certificate.ts';
import { createExactlyOnce, maxGrantedQos, watchPackets } from './mqtt-qos.ts';
import { publishDirect } from './mqtt-direct-publish.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

// Topic names from ThingsBoard's MqttTopics.
const provisionRequestTopic = '/provision/request';
const provisionResponseTopic = '/provision/response';
const telemetryTopic = 'v1/devices/me/telemetry';
const attributesTopic = 'v1/devices/me/attributes';
/** The v1 topics ThingsBoard lets a device subscribe to (MqttTransportHandler.processSubscribe); others get 0x80. */
const deviceSubscriptionTopics = new Set([
  'v1/devices/me/attributes',
  'v1/devices/me/attributes/response/+',
  'v1/devices/me/rpc/request/+',
  'v1/devices/me/rpc/response/+',
]);
/** Where an accepted client publish goes once the station has consumed it: no subscription can ever match it. */
const consumedTopic = '$fieldstation/consumed';
/** Every subscription is filed under its own session's prefix (see authorizeSubscribe). */
const sessionTopicPrefix = '$fieldstation/session/';

export interface SessionPolicy {
  service: ProvisioningService;
  /** Attributes request/updates and server-side RPC on device sessions (mqtt-device-api.ts). */
  deviceApi: DeviceApi;
  log: (line: string) => void;
  /** How long a provision session stays open after its answer. */
  provisionCloseDelayMs: number;
  /** Largest PUBLISH payload a session may send; beyond it the session is closed. */
  maxPayloadBytes: number;
  /** Longest keep-alive (seconds) a session gets; one asking more, or none (0), gets this one. */
  maxKeepAliveS: number;
}

interface Session {
  kind: 'provision' | 'device';
  /** Unique per connection: the prefix of the session's subscriptions. */
  serial: string;
  /** The client id the device sent (MQTT_BASIC credentials use it). */
  clientId: string;
  origin: RequestOrigin;
  device: DeviceIdentity | null;
  /** ThingsBoard answers a provision request at QoS 1 unless /provision/response was subscribed with less. */
  responseQos: 0 | 1;
  /** The last packet id the station used on a direct publish (DeviceSessionCtx.nextMsgId): 1, 2, … 65535, 1. */
  lastPacketId: number;
  closeTimer: NodeJS.Timeout | null;
  /** QoS 2 publishes consumed and awaiting their PUBREL (mqtt-qos.ts); null if PUBREL cannot be seen. */
  exactlyOnce: ReturnType<typeof createExactlyOnce> | null;
}

export type SessionHooks = Required<
  Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>
>;

export interface MqttSessions {
  hooks: SessionHooks;
  /** Follows the broker's session ends (close timers, last-seen, unsubscribes). */
  attach(broker: Aedes): void;
  /** Cancels pending session closes and resolves once every service call in flight has settled. */
  drain(): Promise<void>;
  /** A one-line description of a session for log lines. */
  describe(client: Client): string;
}

/**
 * The two kinds of ThingsBoard MQTT session on top of aedes: provision sessions (username or client id
 * `provision`) and device sessions (first contact). Decodes, calls the service, encodes; no business rule here.
 */
export function createMqttSessions(policy: SessionPolicy): MqttSessions {
  const { service, log } = policy;
  const deviceTopics = createMqttDeviceApi(policy.deviceApi, log);
  const sessions = new WeakMap<Client, Session>();
  const closeTimers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  /** Broker client ids of ended sessions, for reuse (see preConnect). */
  const freeClientIds: string[] = [];
  /** Open device sessions by device id, to close them when the station takes the device's login back. */
  const byDevice = new Map<number, Set<Client>>();
  const unwatchLogins = service.logins.onRevoked((ids) => {
    for (const id of ids) {
      const clients = byDevice.get(id);
      if (!clients) continue;
      for (const client of clients) {
        log(`mqtt: closing ${describe(client)}: its login was taken back (removed or reset)`);
        client.close();
      }
    }
  });
  let serials = 0;
  let clientIds = 0;

  /** Runs a service call, counted until it settles (close() waits for them); a synchronous throw becomes a rejection. */
  function track<T>(call: () => Promise<T>): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (err) {
      promise = Promise.reject(err);
    }
    inFlight.add(promise);
    const settle = () => void inFlight.delete(promise);
    promise.then(settle, settle);
    return promise;
  }

  const preConnect: SessionHooks['preConnect'] = (client, packet, done) => {
    const serial = (++serials).toString(36);
    const conn = client.conn as { remoteAddress?: string };
    const watched = createExactlyOnce();
    // Without seeing PUBREL a reused packet id would pass for a duplicate and be dropped: then no deduplication at all.
    const exactlyOnce = watchPackets(client, watched) ? watched : null;
    sessions.set(client, {
      // MqttTransportHandler.processConnect: exact, case-sensitive, and no password is checked.
      kind: packet.username === 'provision' || packet.clientId === 'provision' ? 'provision' : 'device',
      serial,
      clientId: packet.clientId,
      origin: { transport: 'mqtt', remoteAddress: peerAddress(conn.remoteAddress) },
      device: null,
      responseQos: 1,
      lastPacketId: 0,
      closeTimer: null,
      exactlyOnce,
    });
    // aedes would close an older session with the same client id ([MQTT-3.1.4-2]). ThingsBoard does not: every
    // provision session may be called "provision", and identical firmware often shares one id. So the broker gets an
    // id of ours, short enough for MQTT 3.1, reused once its session ended: aedes's in-memory store keeps a little
    // per id, which must stay bounded by the sessions open at once, not grow with every session ever opened.
    packet.clientId = freeClientIds.pop() ?? `fs-${(++clientIds).toString(36)}`;
    // ThingsBoard keeps no session state for a device: nothing stored across connections, no will published.
    packet.clean = true;
    packet.will = undefined;
    // ThingsBoard takes any keep-alive, 0 (none) included, and never drops a silent session itself (no idle handler
    // in MqttTransportServerInitializer's pipeline). A station on a laptop cannot hold a vanished device's socket
    // forever: a session gets at most the station's maximum, and aedes drops it after 1.5 × that of silence
    // ([MQTT-3.1.2-24], handlers/connect.js). A device that asked for more is still accepted, never refused.
    if (!packet.keepalive || packet.keepalive > policy.maxKeepAliveS) packet.keepalive = policy.maxKeepAliveS;
    done(null, true);
  };

  const authenticate: SessionHooks['authenticate'] = (client, username, password, done) => {
    const session = sessions.get(client);
    if (!session) return done(refusal(5, 'no session'), false);
    if (session.kind === 'provision') return done(null, true);
    let device: DeviceIdentity | null;
    try {
      // A client certificate (MQTTS) alone identifies the device; then no user name is looked at
      // (MqttTransportHandler.processConnect -> processX509CertConnect).
      const certificate = peerCertificate(client.conn);
      // DefaultTransportApiService.validateCredentials: MQTT_BASIC first, then the user name as an access token.
      const secret = password ? password.toString('utf8') : null;
      device = certificate
        ? service.authenticateCertificate(certificate)
        : (service.authenticateMqttBasic(session.clientId, username ?? null, secret) ??
          (username ? service.authenticateToken(username) : null));
    } catch (err) {
      log(`mqtt: cannot check credentials: ${messageOf(err)}`);
      return done(refusal(3, 'server unavailable'), false);
    }
    if (!device) return done(refusal(5, 'not authorized'), false);
    session.device = device;
    track(() => service.sessionOpened(device, session.origin)).then(
      () => {
        // The session is open until its socket closes, however it ends: DISCONNECT, a dropped socket, or aedes's
        // keep-alive timeout (1.5 × keep-alive, handlers/connect.js). aedes's own clientDisconnect misses a client
        // closed before it was registered.
        const clientsOfDevice = byDevice.get(device.id) ?? new Set<Client>();
        byDevice.set(device.id, clientsOfDevice.add(client));
        whenClosed(client, () => {
          clientsOfDevice.delete(client);
          if (clientsOfDevice.size === 0 && byDevice.get(device.id) === clientsOfDevice) byDevice.delete(device.id);
          track(() => service.sessionClosed(device, session.origin)).catch((err: unknown) =>
            log(`mqtt: cannot record that ${device.name} disconnected: ${messageOf(err)}`),
          );
        });
        done(null, true);
      },
      (err: unknown) => {
        log(`mqtt: cannot record that ${device.name} connected: ${messageOf(err)}`);
        // ThingsBoard answers SERVER_UNAVAILABLE when it cannot validate a connection.
        done(refusal(3, 'server unavailable'), false);
      },
    );
  };

  const authorizePublish: SessionHooks['authorizePublish'] = (client, packet, done) => {
    // Cut already (the packet-size guard, a limit): a packet read in the same chunk as the cut is not consumed.
    if ((client?.conn as { destroyed?: boolean } | undefined)?.destroyed) return done(new Error('the connection was closed'));
    const session = client ? sessions.get(client) : undefined;
    const admitted = session?.exactlyOnce?.admit(packet, done) ?? { done };
    if ('duplicateOf' in admitted) {
      // The same QoS 2 message again before its PUBREL: acknowledged as the first copy was, never consumed twice.
      packet.topic = consumedTopic;
      packet.retain = false;
      admitted.duplicateOf.then((error) => done(error));
      return;
    }
    try {
      consume(client, packet, admitted.done);
    } catch (err) {
      // A bug here must close one session, not escape into aedes (which has no try/catch) and end the station.
      admitted.done(err instanceof Error ? err : new Error(String(err)));
    }
  };

  function consume(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) {
    const session = client ? sessions.get(client) : undefined;
    if (!client || !session) return done(new Error('publish without a session'));
    const topic = packet.topic;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // Client publishes are consumed here and never routed: `v1/devices/me/...` is the same literal topic for every
    // device, so routing it would hand one device's data to another. Nothing is retained either.
    packet.topic = consumedTopic;
    packet.retain = false;
    if (session.kind === 'provision') return onProvisionPublish(client, session, topic, payload, done);
    if (payload.length > policy.maxPayloadBytes) return done(new Error(`payload larger than ${policy.maxPayloadBytes} bytes`));
    const record = topic === telemetryTopic ? 'recordTelemetry' : topic === attributesTopic ? 'recordAttributes' : null;
    const device = session.device;
    if (device && deviceTopics.handles(topic)) return deviceTopics.publish(client, device, topic, payload, done);
    // Any other topic: ThingsBoard acknowledges and drops it (processDevicePublish, PubAck TOPIC_NAME_INVALID).
    if (!record || !device) return done(null);
    // The PUBACK follows the commit (getPubAckCallback). A bad payload closes the session, as ThingsBoard does on
    // MQTT 3.1.1 with the profile's default sendAckOnValidationException = false.
    track(() => service[record](device, payload, session.origin)).then(
      () => done(null),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  }

  function onProvisionPublish(
    client: Client,
    session: Session,
    topic: string,
    payload: Buffer,
    done: (error?: Error | null) => void,
  ): void {
    if (topic !== provisionRequestTopic) {
      done(new Error(`a provision session may only publish to ${provisionRequestTopic}`));
      return;
    }
    const decoded = decodeRequest(service, payload, policy.maxPayloadBytes);
    if (!decoded.ok) {
      service.rejectMalformed(decoded.message, session.origin);
      done(new Error(`malformed provision request: ${decoded.message}`));
      return;
    }
    track(() => service.provision(decoded.request, session.origin)).then(
      (response) => {
        // DeviceProvisionCallback.onSuccess: acknowledge the request, then publish the answer.
        done(null);
        answer(client, session, response);
      },
      (err: unknown) => done(new Error(`provisioning failed: ${messageOf(err)}`)),
    );
  }

  function answer(client: Client, session: Session, response: ProvisionResponse): void {
    // To this client alone, subscribed or not, straight onto its socket (mqtt-direct-publish.ts).
    session.lastPacketId = (session.lastPacketId % 0xffff) + 1;
    const payload = Buffer.from(JSON.stringify(response));
    if (!publishDirect(client, provisionResponseTopic, session.responseQos, session.lastPacketId, payload)) return;
    if (session.closeTimer) return;
    const timer = setTimeout(() => {
      closeTimers.delete(timer);
      client.close();
    }, policy.provisionCloseDelayMs);
    session.closeTimer = timer;
    closeTimers.add(timer);
  }

  const authorizeSubscribe: SessionHooks['authorizeSubscribe'] = (client, sub, done) => {
    const session = sessions.get(client);
    const allowed =
      session?.kind === 'provision' ? sub.topic === provisionResponseTopic : deviceSubscriptionTopics.has(sub.topic);
    // A refused filter gets SUBACK 0x80 and the session stays open (processSubscribe, TOPIC_FILTER_INVALID).
    if (!session || !allowed) return done(null, null);
    // Already lowered to at most maxGrantedQos as it was parsed (mqtt-qos.ts), which is what the SUBACK says.
    const qos = sub.qos >= maxGrantedQos ? 1 : 0;
    if (session.kind === 'provision') session.responseQos = qos;
    // Filed under the session's own prefix: no other session's publish can match it, and the broker's subscription
    // index never holds thousands of identical topics (removing one of those is a linear scan).
    done(null, { ...sub, topic: `${sessionTopicPrefix}${session.serial}/${sub.topic}`, qos });
  };

  // Client publishes are consumed before routing; should one slip through, it still reaches nobody. Only what the
  // station itself sends (client.publish, which carries no client id) is delivered.
  const authorizeForward: SessionHooks['authorizeForward'] = (_client, packet) =>
    (packet as { clientId?: string }).clientId === undefined ? packet : null;

  function describe(client: Client): string {
    const session = sessions.get(client);
    const from = session?.origin.remoteAddress ?? (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown address';
    if (!session) return `a connection from ${from}`;
    if (session.kind === 'provision') return `provision session from ${from}`;
    return session.device ? `device ${session.device.name} (${from})` : `device session from ${from}`;
  }

  return {
    hooks: { preConnect, authenticate, authorizePublish, authorizeSubscribe, authorizeForward },
    describe,
    attach(broker) {
      broker.on('clientDisconnect', (client) => {
        // Emitted once aedes has forgotten the client: its id is free again.
        freeClientIds.push(client.id);
        deviceTopics.ended(client);
        const session = sessions.get(client);
        if (!session) return;
        if (session.closeTimer) {
          clearTimeout(session.closeTimer);
          closeTimers.delete(session.closeTimer);
          session.closeTimer = null;
        }
      });
      broker.on('subscribe', (subs, client) => {
        const device = sessions.get(client)?.device;
        if (device) deviceTopics.subscribed(client, device, subs);
      });
      broker.on('unsubscribe', (topics, client) => {
        deviceTopics.unsubscribed(client, topics);
        const session = sessions.get(client);
        if (session?.kind === 'provision' && topics.includes(provisionResponseTopic)) session.responseQos = 1;
      });
    },
    async drain() {
      unwatchLogins();
      for (const timer of closeTimers) clearTimeout(timer);
      closeTimers.clear();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

type Decoded = ReturnType<ProvisioningService['decode']>;

function decodeRequest(service: ProvisioningService, payload: Buffer, limit: number): Decoded {
  // ThingsBoard's decoder refuses frames over NETTY_MAX_PAYLOAD_SIZE and closes the channel.
  if (payload.length > limit) return { ok: false, message: reasonText('requestTooLarge', { bytes: limit }) };
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, message: reasonText('requestNotJson') };
  }
  return service.decode(body);
}

function whenClosed(client: Client, then: () => void): void {
  const conn = client.conn as { destroyed?: boolean; once(event: 'close', listener: () => void): unknown };
  if (conn.destroyed) then();
  else conn.once('close', then);
}

function refusal(returnCode: 3 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
