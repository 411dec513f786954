// The engine's entry point inside Electron's utilityProcess (built to dist/electron/station-process.mjs).
// It must not import `electron`: a utility process gets its channel to main as `process.parentPort`.
import { fileURLToPath } from 'node:url';
import { createStation } from '../station/station.ts';
import { type ParentPortLike, runStationProcess } from './station-runner.ts';

const { parentPort } = process as NodeJS.Process & { parentPort?: ParentPortLike };
if (!parentPort) {
  console.error('station-process runs only inside the Fieldstation app; use `fieldstation serve` instead.');
  process.exit(2);
}

runStationProcess({
  port: parentPort,
  createStation,
  // dist/electron/station-process.mjs -> dist/renderer/
  uiDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
  // A moment for the last message (ready/error) to reach main before the process goes.
  exit: (code) => setTimeout(() => process.exit(code), 100),
  log: (line) => console.log(line),
});
