import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ListenerLimits } from '../net/source-limits.ts';

// Node's own answers to a client error (lib/_http_server.js socketOnError), kept as they were before this listener
// existed: a listener on 'clientError' replaces Node's, so it must give them itself.
const answers: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
};
const badRequest = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

/**
 * Counts a request cut for being too slow (its headers past `headersTimeout`, or the whole request past
 * `requestTimeout`: a slowloris client holding sockets open a byte at a time) as a refusal, then answers as Node
 * does: 408, 431 for oversized headers, 400 for anything unparsable, and closes the socket.
 */
export function countClientErrors(server: Server, limits: ListenerLimits | undefined): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const code = err.code ?? '';
    const address = (socket as Duplex & { remoteAddress?: string }).remoteAddress;
    if (code === 'ERR_HTTP_REQUEST_TIMEOUT') limits?.refused('slow-request', address);
    else if (code === 'HPE_HEADER_OVERFLOW') limits?.refused('too-large', address);
    // A peer that hung up mid-request: nobody to answer.
    if (code !== 'ECONNRESET' && socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
      socket.write(answers[code] ?? badRequest);
    }
    socket.destroy(err);
  });
}
