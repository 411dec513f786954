import type { MessagePort } from 'node:worker_threads';
import type { CsvDelimiter, ImportFormat, ImportRow } from '../../../shared/import.ts';
import type { DeviceListSummary, PieceProgress } from './index.ts';

/** What the parser thread is started with (its workerData). */
export interface ParserStart {
  text: string;
  format: ImportFormat;
  delimiter?: CsvDelimiter;
  rowsPerPiece: number;
  /** Where the pieces go; the other end is read by the writer with receiveMessageOnPort. */
  port: MessagePort;
  /** Counts messages posted, so the writer can sleep until the next one (Atomics.wait). */
  signal: Int32Array;
}

export type ParserMessage =
  | ({ kind: 'rows'; rows: ImportRow[] } & PieceProgress)
  | { kind: 'end'; summary: DeviceListSummary }
  | { kind: 'failed'; message: string };
