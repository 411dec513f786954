import { isIPv6 } from 'node:net';
import { Agent, request } from 'coap';
import { accessTokenOf, exchange, parseAnswer } from './answer.ts';
import type { ProtocolClient, ProvisionAnswer, SimTarget } from './types.ts';

interface CoapReply {
  code: string;
  payload: string;
}

/**
 * A device speaking ThingsBoard's CoAP device API (RFC 7252, confirmable POSTs). Each exchange has its own agent and
 * so its own UDP socket, as each device has: node-coap's agent closes its socket once its last request is answered,
 * and a request started on it then (say from the 'response' handler) throws ERR_SOCKET_DGRAM_NOT_RUNNING.
 */
export function coapClient(target: SimTarget): ProtocolClient {
  return {
    async provision(body, timeoutMs) {
      const reply = await post(target, '/api/v1/provision', 'CoAP provision', JSON.stringify(body), timeoutMs);
      // 2.01 on SUCCESS, 4.00 with the same JSON on NOT_FOUND/FAILURE, 4.00 without a body if undecodable.
      if (reply.payload === '') throw new Error(`CoAP ${reply.code} without a body`);
      return parseAnswer(reply.payload) satisfies ProvisionAnswer;
    },
    async telemetry(credentials, payload, timeoutMs) {
      const reply = await post(target, `/api/v1/${accessTokenOf(credentials)}/telemetry`, 'CoAP telemetry', payload, timeoutMs);
      if (reply.code !== '2.01') throw new Error(`telemetry: CoAP ${reply.code}`);
    },
  };
}

function post(target: SimTarget, pathname: string, what: string, body: string, timeoutMs: number): Promise<CoapReply> {
  return exchange<CoapReply>(what, timeoutMs, (x) => {
    const agent = new Agent({ type: isIPv6(target.host) ? 'udp6' : 'udp4' });
    agent.on('error', x.fail);
    const req = request({ hostname: target.host, port: target.port, pathname, method: 'POST', confirmable: true, agent });
    req.setOption('Content-Format', 'application/json');
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const reply = { code: res.code, payload: res.payload.toString('utf8') };
      // Settled on the next turn, so whatever the caller starts next never runs inside node-coap's handler.
      setImmediate(() => x.ok(reply));
    });
    req.on('error', x.fail);
    req.on('timeout', x.fail);
    req.end(Buffer.from(body, 'utf8'));
    // Answered, the agent closes its own socket; otherwise abort the exchange and its retransmissions.
    return () => {
      if (!answered) agent.close();
    };
  });
}
