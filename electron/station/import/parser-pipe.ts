import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { CsvDelimiter, ImportFormat, ImportRow } from '../../../shared/import.ts';
import type { DeviceListSummary, PieceProgress } from './index.ts';
import type { ParserMessage, ParserStart } from './parser-protocol.ts';

/** A parser thread that sends nothing for this long is taken for dead (it posts a piece every few milliseconds). */
const silenceLimitMs = 30_000;

export type ParsedPiece = { rows: ImportRow[] } & PieceProgress;

/**
 * Reads a device list on a parser thread (parser-thread.ts) and yields its rows in pieces as they are checked, then
 * returns what parseDeviceList returns but the rows. Synchronous on purpose: the caller is one writer-thread job,
 * inside its transaction, with no event loop turn until it returns; it sleeps on a shared counter between pieces.
 */
export function* readDeviceListInThread(
  script: URL,
  text: string,
  format: ImportFormat,
  options: { delimiter?: CsvDelimiter; rowsPerPiece?: number } = {},
): Generator<ParsedPiece, DeviceListSummary> {
  const channel = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const start: ParserStart = {
    text,
    format,
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    rowsPerPiece: options.rowsPerPiece ?? 2000,
    port: channel.port2,
    signal,
  };
  // Started through a bootstrap that imports the script: a script that is missing or fails to load then says so on
  // the port read below, at once, instead of in an 'error' event this thread's event loop would not see (the wait
  // below would end only after its silence limit, with every write of the station held up behind this job).
  const bootstrap = `const { workerData } = require('node:worker_threads');
import(${JSON.stringify(script.href)}).catch((err) => {
  workerData.port.postMessage({ kind: 'failed', message: 'it could not start: ' + (err && err.message ? err.message : String(err)) });
  Atomics.add(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
});`;
  const worker = new Worker(bootstrap, { eval: true, workerData: start, transferList: [channel.port2] });
  try {
    let seen = 0;
    for (;;) {
      const received = receiveMessageOnPort(channel.port1);
      if (!received) {
        if (Atomics.wait(signal, 0, seen, silenceLimitMs) === 'timed-out') throw new Error('the import parser stopped answering');
        seen = Atomics.load(signal, 0);
        continue;
      }
      const message = received.message as ParserMessage;
      if (message.kind === 'rows') yield message;
      else if (message.kind === 'end') return message.summary;
      else throw new Error(`the import parser failed: ${message.message}`);
    }
  } finally {
    channel.port1.close();
    void worker.terminate();
  }
}
