import type { Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { Server } from 'coap';

/**
 * node-coap 1.5 answers some requests itself, before our handler sees them: a datagram it cannot parse, a POST that
 * asks to Observe, a FETCH without Content-Format. Its `Server._sendError` sends those answers with
 * `socket.send(message, 0, length, rsinfo.port)`, leaving out the address, so Node sends them to 127.0.0.1 (dgram's
 * default for udp4): a device on the LAN never hears them, and a process on this machine that happens to listen on
 * the device's source port receives a datagram it did not ask for. This puts the sender's address back, keeping
 * node-coap's own message (code, token, message id) as it builds it.
 */
type SendError = (payload: Buffer, rsinfo: AddressInfo, ...rest: unknown[]) => void;
type Send = (msg: Buffer, offset: number, length: number, port: number, address?: string) => void;

export function routeErrorRepliesToSender(server: Server): void {
  const internals = server as unknown as { _sendError?: SendError; _sock?: Socket | null };
  const original = internals._sendError;
  // A node-coap without the method needs no patch.
  if (typeof original !== 'function') return;
  internals._sendError = function (this: typeof internals, payload, rsinfo, ...rest) {
    const sock = this._sock;
    if (sock == null || typeof sock.send !== 'function') return void original.call(this, payload, rsinfo, ...rest);
    const send = sock.send as unknown as Send;
    // _sendError calls send synchronously, once: the swap is undone before anything else can use the socket.
    (sock as unknown as { send: Send }).send = (msg, offset, length, port) => send.call(sock, msg, offset, length, port, rsinfo.address);
    try {
      original.call(this, payload, rsinfo, ...rest);
    } finally {
      (sock as unknown as { send: Send }).send = send;
    }
  };
}
