import type { Client, PublishPacket } from 'aedes';

/**
 * ThingsBoard grants at most QoS 1 on every topic it accepts (MqttTransportHandler.MAX_SUPPORTED_QOS_LVL =
 * AT_LEAST_ONCE, registerSubQoS → getMinSupportedQos), and 0x80 for the others (processSubscribe, TOPIC_FILTER_INVALID).
 */
export const maxGrantedQos = 1;

/** What the station needs to hear of a session's packets before aedes handles them. */
export interface PacketWatch {
  /** A PUBREL: the QoS 2 exchange with this packet id is over, and the id may carry a new message. */
  released(messageId: number): void;
}

type Parsed = { cmd: string; messageId?: number; subscriptions?: { topic: string; qos: number }[] };
type Parser = { prependListener(event: 'packet', listener: (packet: Parsed) => void): unknown };

/**
 * Sees each packet of `client` as it is parsed, before aedes handles it. Two things have no hook in aedes 1.2:
 * - aedes answers SUBSCRIBE with the QoS the client asked for, whatever `authorizeSubscribe` changed (SubState keeps
 *   the requested QoS: handlers/subscribe.js), so a QoS 2 request must be lowered before aedes reads it;
 * - nothing tells a hook that a PUBREL arrived.
 * aedes is pinned (package.json) and keeps its parser on `client._parser` from the client's construction on; called
 * from preConnect, this listener runs before every later packet is queued or handled (lib/client.js enqueue).
 * False if this aedes keeps no such parser.
 */
export function watchPackets(client: Client, watch: PacketWatch): boolean {
  const parser = (client as unknown as { _parser?: Parser })._parser;
  // Another aedes: no watch, and the caller must not count on PUBREL (transport-mqtt-qos.test.ts fails first).
  if (!parser || typeof parser.prependListener !== 'function') return false;
  parser.prependListener('packet', (packet) => {
    if (packet.cmd === 'subscribe') {
      for (const sub of packet.subscriptions ?? []) sub.qos = Math.min(sub.qos, maxGrantedQos);
    } else if (packet.cmd === 'pubrel' && packet.messageId !== undefined) {
      watch.released(packet.messageId);
    }
  });
  return true;
}

/**
 * Exactly once for a session's QoS 2 publishes (MQTT 3.1.1 §4.3.3): a PUBLISH whose packet id is still awaiting its
 * PUBREL is the same message again (a DUP retransmission, or a client resending after a lost PUBREC) and is not
 * consumed a second time. aedes does check its own store for such a duplicate, but only after `authorizePublish`,
 * where the station consumes every publish; and two copies read in one socket chunk are handled concurrently.
 * ThingsBoard itself answers every PUBLISH with a PUBACK and processes each copy (MqttTransportHandler.ack); the
 * station keeps MQTT's QoS 2 exchange (PUBREC, PUBREL, PUBCOMP, by aedes) and records the message once.
 */
export function createExactlyOnce() {
  // Packet id → the first copy's outcome (null: consumed; an Error: the session is being closed). Made at the first
  // QoS 2 publish: a provision session, one of thousands in a burst, never sends one.
  let awaiting: Map<number, Promise<Error | null>> | null = null;
  return {
    released(messageId: number): void {
      awaiting?.delete(messageId);
    },
    /**
     * For a QoS 2 publish: null if it is the first copy (consume it, then call the returned `done`), or the outcome
     * of the first copy to answer this one with.
     */
    admit(packet: PublishPacket, done: (error?: Error | null) => void): { duplicateOf: Promise<Error | null> } | { done: typeof done } {
      if (packet.qos !== 2 || packet.messageId === undefined) return { done };
      awaiting ??= new Map();
      const earlier = awaiting.get(packet.messageId);
      if (earlier) return { duplicateOf: earlier };
      let settle: (outcome: Error | null) => void = () => {};
      awaiting.set(packet.messageId, new Promise((resolve) => (settle = resolve)));
      return {
        done: (error) => {
          settle(error ?? null);
          done(error);
        },
      };
    },
  };
}
