import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeviceApi } from '../device-api/service.ts';
import { parseKeyList, rpcRequestJson } from '../device-api/wire.ts';
import type { DeviceIdentity } from '../provisioning/types.ts';

// ThingsBoard's HTTP device API after first contact (DeviceApiController): attributes request, the two long polls
// (shared-attribute updates, server-side RPC) and the device's RPC answer. Decode, call the device API, encode.

/** transport.http.request_timeout: a long poll without `timeout` (or with 0) waits this long. */
export const defaultLongPollMs = 60_000;
/** transport.http.max_request_timeout: Tomcat's async timeout, the most any long poll is held. */
export const maxLongPollMs = 300_000;

export type HttpDeviceResource = 'attributes' | 'attribute-updates' | 'rpc' | 'rpc-answer';

export interface LongPolls {
  /** Ends every poll still waiting (the transport is closing). */
  endAll(): void;
}

type Fail = (status: 'BAD_REQUEST', message: string) => void;

export function createHttpDeviceApi(deviceApi: DeviceApi) {
  const open = new Set<() => void>();

  /** GET .../attributes?clientKeys=a,b&sharedKeys=c → 200 `{"client":{…},"shared":{…}}` (HttpSessionListener). */
  function attributes(req: IncomingMessage, res: ServerResponse, device: DeviceIdentity): void {
    const query = queryOf(req);
    const json = deviceApi.attributes(device, {
      clientKeys: parseKeyList(query.get('clientKeys')),
      sharedKeys: parseKeyList(query.get('sharedKeys')),
    });
    sendJson(res, JSON.stringify(json));
  }

  /**
   * A long poll: answered with the first thing `subscribe` delivers, or with 408 and no body when `timeout` ms pass
   * first (DefaultTransportService.registerSyncSession → onRemoteSessionCloseCommand → HttpStatus.REQUEST_TIMEOUT).
   */
  function longPoll(
    req: IncomingMessage,
    res: ServerResponse,
    fail: Fail,
    subscribe: (answer: (json: unknown) => void) => () => void,
  ): Promise<void> {
    const timeoutMs = pollTimeout(queryOf(req).get('timeout'));
    if (timeoutMs === null) {
      fail('BAD_REQUEST', 'timeout must be a whole number of milliseconds');
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let unsubscribe: (() => void) | null = null;
      let done = false;
      const finish = (write: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe?.();
        open.delete(end);
        if (!res.writableEnded && !res.destroyed) write();
        resolve();
      };
      const end = () => finish(() => sendEmpty(res, 503));
      const timer = setTimeout(() => finish(() => sendEmpty(res, 408)), timeoutMs);
      open.add(end);
      // The device hung up: stop listening for it.
      res.once('close', () => finish(() => {}));
      unsubscribe = subscribe((json) => finish(() => sendJson(res, JSON.stringify(json))));
      if (done) unsubscribe();
    });
  }

  return {
    attributes,
    /** GET .../attributes/updates?timeout=MS → the next update JSON (`{"k":v,"deleted":[…]}`), or 408. */
    attributeUpdates: (req: IncomingMessage, res: ServerResponse, device: DeviceIdentity, fail: Fail) =>
      longPoll(req, res, fail, (answer) => deviceApi.onSharedUpdate(device, answer)),
    /** GET .../rpc?timeout=MS → `{"id":N,"method":…,"params":…}` (JsonConverter.toJson(msg, true)), or 408. */
    rpcRequests: (req: IncomingMessage, res: ServerResponse, device: DeviceIdentity, fail: Fail) =>
      longPoll(req, res, fail, (answer) => deviceApi.onRpc(device, 'once', (request) => answer(rpcRequestJson(request, true)))),
    /**
     * POST .../rpc/{requestId} with the answer as body → 200, also for a stale id (DeviceApiController.replyToCommand:
     * HttpOkCallback once the message is accepted). The body is passed on as it is, JSON or not.
     */
    rpcAnswer(res: ServerResponse, device: DeviceIdentity, requestId: string, body: Buffer, fail: Fail): void {
      // @PathVariable Integer requestId: anything else is Spring's 400.
      if (!/^-?\d{1,10}$/.test(requestId)) {
        fail('BAD_REQUEST', 'the RPC request id must be a number');
        return;
      }
      if (body.length === 0) {
        fail('BAD_REQUEST', 'the RPC answer needs a body');
        return;
      }
      deviceApi.answerRpc(device, Number(requestId), body.toString('utf8'));
      sendEmpty(res, 200);
    },
    polls: {
      endAll: () => {
        for (const end of [...open]) end();
      },
    } satisfies LongPolls,
  };
}

function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '/';
  const at = url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
}

/** `timeout` as DeviceApiController reads it: a long, 0 (or absent) meaning the default. */
function pollTimeout(raw: string | null): number | null {
  if (raw === null || raw === '') return defaultLongPollMs;
  if (!/^\d{1,15}$/.test(raw)) return null;
  const ms = Number(raw);
  return ms === 0 ? defaultLongPollMs : Math.min(ms, maxLongPollMs);
}

function sendJson(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function sendEmpty(res: ServerResponse, code: number): void {
  res.writeHead(code, { 'content-length': 0 });
  res.end();
}
