import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './net/process-alive.ts';

// How a CLI process finds the station serving the same data directory (Jupyter's runtime file, jpserver-PID.json):
// while serving, the station keeps `serving.json` with its pid, its admin API URL (127.0.0.1) and the run's secret,
// readable by its user only (the data directory is 0700 and already holds the master key file headless). Commands
// that must reach connected devices (`rpc`, `attributes set`) go through it.

export interface ServingStation {
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  secret: string;
}

const fileName = 'serving.json';

export function writeServingFile(dataDir: string, station: ServingStation): void {
  writeFileSync(join(dataDir, fileName), JSON.stringify(station), { mode: 0o600 });
}

/** Removes the file if it is still ours (a second station on the same folder may have replaced it). */
export function removeServingFile(dataDir: string, pid = process.pid): void {
  if (readServingFile(dataDir)?.pid === pid) rmSync(join(dataDir, fileName), { force: true });
}

/** The station serving `dataDir`, or null when none is (no file, or its process is gone). */
export function readServingFile(dataDir: string): ServingStation | null {
  let station: ServingStation;
  try {
    station = JSON.parse(readFileSync(join(dataDir, fileName), 'utf8')) as ServingStation;
  } catch {
    return null;
  }
  if (typeof station.pid !== 'number' || typeof station.url !== 'string' || typeof station.secret !== 'string') return null;
  return processAlive(station.pid) ? station : null;
}

