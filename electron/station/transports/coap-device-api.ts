import type { IncomingMessage, OutgoingMessage } from 'coap';
import type { DeviceApi } from '../device-api/service.ts';
import { parseKeyList, rpcRequestJson } from '../device-api/wire.ts';
import type { DeviceIdentity } from '../provisioning/types.ts';

// ThingsBoard's CoAP device API after first contact (CoapTransportResource, DefaultCoapClientContext,
// JsonCoapAdaptor): GET attributes, observing attributes and RPC (RFC 7641), and the device's RPC answer.

export type Reply = { code: string; json?: string };

/** What node-coap hands a GET with Observe: 0 (its ObserveWriteStream): every write is one notification. */
interface ObserveStream {
  statusCode: string;
  setOption(name: string, value: unknown): unknown;
  write(chunk: Buffer): boolean;
  end(): void;
  once(event: 'finish' | 'error', listener: () => void): unknown;
}

// RFC 7252 §12.3: application/json is Content-Format 50.
const json = 'application/json';

export function createCoapDeviceApi(deviceApi: DeviceApi, log: (line: string) => void) {
  /** Open observations by peer and token, as DefaultCoapClientContext keys them ("addr:port:token"). */
  const observations = new Map<string, () => void>();
  const keyOf = (req: IncomingMessage) => `${req.rsinfo.address}:${req.rsinfo.port}:${(req._packet.token ?? Buffer.alloc(0)).toString('hex')}`;

  /**
   * GET .../attributes?clientKeys=&sharedKeys= → 2.05 with `{"client":…,"shared":…}`; 4.04 with no body when nothing
   * matched (JsonCoapAdaptor.convertToPublish(GetAttributeResponseMsg): both lists empty → NOT_FOUND).
   */
  function attributes(req: IncomingMessage, device: DeviceIdentity): Reply {
    const query = new URLSearchParams(req.url.split('?')[1] ?? '');
    const result = deviceApi.attributes(device, {
      clientKeys: parseKeyList(query.get('clientKeys')),
      sharedKeys: parseKeyList(query.get('sharedKeys')),
    });
    if (Object.keys(result).length === 0) return { code: '4.04' };
    return { code: '2.05', json: JSON.stringify(result) };
  }

  /**
   * GET with Observe: 0 on .../attributes or .../rpc. Attributes: the first notification is every shared attribute
   * (registerFeatureObservation asks GetAttributeRequestMsg onlyShared, answered as an update notification), then one
   * per change. RPC: first 2.03 Valid with no payload, then 2.05 `{"id":N,"method":…,"params":…}` per request
   * (CoapSessionListener.onToDeviceRpcRequest, JsonConverter.toJson(msg, true)).
   */
  function observe(req: IncomingMessage, res: OutgoingMessage, device: DeviceIdentity, feature: 'attributes' | 'rpc'): void {
    const stream = res as unknown as ObserveStream;
    const key = keyOf(req);
    observations.get(key)?.();
    let stop: (() => void) | null = null;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      stop?.();
      if (observations.get(key) === end) observations.delete(key);
    };
    observations.set(key, end);
    // The peer reset a notification, stopped acknowledging, or deregistered: node-coap ends the stream.
    stream.once('finish', end);
    stream.once('error', end);
    const notify = (code: string, body: unknown) => {
      if (ended) return;
      stream.statusCode = code;
      try {
        if (body !== undefined) stream.setOption('Content-Format', json);
        stream.write(body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), 'utf8'));
      } catch (err) {
        log(`coap: notification to ${req.rsinfo.address}: ${(err as Error).message}`);
        end();
      }
    };
    if (feature === 'attributes') {
      notify('2.05', deviceApi.sharedState(device));
      stop = deviceApi.onSharedUpdate(device, (update) => notify('2.05', update));
    } else {
      notify('2.03', undefined);
      stop = deviceApi.onRpc(device, 'session', (request) => notify('2.05', rpcRequestJson(request, true)));
    }
    if (ended) stop();
  }

  /** GET with Observe: 1: the observation with this token ends, answered 2.02 Deleted (cancel…Subscription). */
  function deregister(req: IncomingMessage): Reply {
    const end = observations.get(keyOf(req));
    end?.();
    return { code: '2.02' };
  }

  /**
   * POST .../rpc/{id} → 2.01. JsonCoapAdaptor.convertToDeviceRpcResponse reads the body as a JSON object and passes
   * it on re-serialized; anything else is 4.00.
   */
  function rpcAnswer(device: DeviceIdentity, requestId: string, body: Buffer): Reply {
    if (!/^[+-]?\d{1,10}$/.test(requestId)) return { code: '4.00' };
    let answer: unknown;
    try {
      answer = JSON.parse(body.toString('utf8'));
    } catch {
      return { code: '4.00' };
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return { code: '4.00' };
    deviceApi.answerRpc(device, Number(requestId), JSON.stringify(answer));
    return { code: '2.01' };
  }

  return {
    attributes,
    observe,
    deregister,
    rpcAnswer,
    /** Ends every observation (the transport is closing). */
    endAll: () => {
      for (const end of [...observations.values()]) end();
    },
  };
}
