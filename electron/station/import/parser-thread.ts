// The import's parser thread (built as import-parser.mjs beside writer.mjs, see scripts/build.mjs): it reads and
// checks a device list and hands the rows to the writer thread in pieces while it reads on, so a 100,000-row import
// writes while it parses instead of after (parser-pipe.ts is the writer's side).
import { workerData } from 'node:worker_threads';
import { parseDeviceListInPieces } from './index.ts';
import type { ParserMessage, ParserStart } from './parser-protocol.ts';

const { text, format, delimiter, rowsPerPiece, port, signal } = workerData as ParserStart;
const post = (message: ParserMessage) => {
  port.postMessage(message);
  // The writer waits on this counter (Atomics.wait): it is inside one synchronous job and has no event loop turn.
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
};
try {
  const summary = parseDeviceListInPieces(text, format, {
    rowsPerPiece,
    ...(delimiter ? { delimiter } : {}),
    onRows: (rows, progress) => post({ kind: 'rows', rows, ...progress }),
  });
  post({ kind: 'end', summary });
} catch (err) {
  post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
}
port.close();
