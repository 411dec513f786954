import { once } from 'node:events';
import net from 'node:net';

/*
 * "Raw" / JetDirect printing: open TCP 9100, send the job bytes, close. There is no reply to wait for,
 * so the printer closing its side after our FIN is the only sign it has read everything.
 */

export type PrinterErrorCode =
  | 'PRINTER_REFUSED'
  | 'PRINTER_TIMEOUT'
  | 'PRINTER_NOT_FOUND'
  | 'PRINTER_UNREACHABLE'
  | 'PRINTER_CONNECTION_LOST';

export class PrinterError extends Error {
  override readonly name = 'PrinterError';
  constructor(
    message: string,
    readonly code: PrinterErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type RawData = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export interface SendRawOptions {
  host: string;
  /** 9100 is the de-facto raw port on Zebra, Brother and most network printers. */
  port?: number;
  data: RawData;
  /** Longest silence allowed while connecting, sending or waiting for the printer to close. */
  timeoutMs?: number;
  /**
   * Cancels the job: the connection is reset at once, so bytes still in the network buffers never reach the
   * printer (a raw port has no other "stop"), and the promise resolves with `cancelled: true`.
   */
  signal?: AbortSignal;
}

export interface SendRawResult {
  bytes: number;
  /** Chunks handed to the network (with ZPL from zplLabels: labels); after a cancel, the printer may have fewer. */
  chunks: number;
  cancelled: boolean;
}

async function* chunks(data: RawData): AsyncGenerator<string | Uint8Array> {
  if (typeof data === 'string' || data instanceof Uint8Array) yield data;
  else yield* data;
}

type Phase = 'connecting' | 'sending' | 'closing';

function timeoutError(where: string, phase: Phase, timeoutMs: number): PrinterError {
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const message = {
    connecting: `printer at ${where} did not answer within ${seconds}; is it switched on and on this network?`,
    sending: `printer at ${where} stopped accepting data for ${seconds}; is it paused, out of labels or open?`,
    closing: `printer at ${where} did not confirm the end of the job within ${seconds}`,
  }[phase];
  return new PrinterError(message, 'PRINTER_TIMEOUT');
}

function connectionError(where: string, host: string, error: NodeJS.ErrnoException): PrinterError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new PrinterError(`printer at ${where} refused the connection`, 'PRINTER_REFUSED', { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PrinterError(`printer host "${host}" was not found`, 'PRINTER_NOT_FOUND', { cause: error });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new PrinterError(`printer at ${where} is unreachable from this computer`, 'PRINTER_UNREACHABLE', { cause: error });
    default:
      return new PrinterError(`printer at ${where} dropped the connection (${error.code ?? error.message})`, 'PRINTER_CONNECTION_LOST', {
        cause: error,
      });
  }
}

/** Sends `data` to a raw TCP printer; resolves once every byte is flushed and the printer has closed the connection. */
export function sendRaw(options: SendRawOptions): Promise<SendRawResult> {
  const { host, port = 9100, data, timeoutMs = 10_000, signal } = options;
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    let phase: Phase = 'connecting';
    let bytes = 0;
    let written = 0;
    let cancelled = false;
    let settled = false;
    const stopWaiting = new AbortController();
    const socket = net.connect({ host, port });
    const fail = (error: PrinterError) => {
      if (settled) return;
      settled = true;
      stopWaiting.abort();
      socket.destroy();
      reject(error);
    };
    const cancel = () => {
      if (settled) return;
      settled = true;
      cancelled = true;
      stopWaiting.abort();
      // A reset, not an end: what the printer has not read yet is dropped instead of printed.
      socket.resetAndDestroy();
      resolve({ bytes, chunks: written, cancelled });
    };
    if (signal?.aborted) queueMicrotask(cancel);
    else signal?.addEventListener('abort', cancel, { once: true });
    socket.setTimeout(timeoutMs);
    socket.on('timeout', () => fail(timeoutError(where, phase, timeoutMs)));
    socket.on('error', (error) => fail(connectionError(where, host, error)));
    // Status bytes a printer may send back are not ours to read, but unread data would hold back 'end'.
    socket.resume();
    socket.on('close', () => {
      if (phase === 'closing' && !settled) {
        settled = true;
        resolve({ bytes, chunks: written, cancelled });
      } else {
        fail(new PrinterError(`printer at ${where} closed the connection before the whole job was sent`, 'PRINTER_CONNECTION_LOST'));
      }
    });
    socket.once('connect', async () => {
      phase = 'sending';
      try {
        for await (const chunk of chunks(data)) {
          if (settled) return;
          bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
          written += 1;
          if (!socket.write(chunk)) await once(socket, 'drain', { signal: stopWaiting.signal });
        }
        phase = 'closing';
        socket.end();
      } catch (error) {
        if (settled) return;
        // The job source failed (say, a label that does not fit): abort instead of ending the job as if complete.
        settled = true;
        socket.destroy();
        reject(error);
      }
    });
  });
}
