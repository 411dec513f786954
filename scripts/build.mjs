// Builds everything that runs: the engine + CLI for plain Node, the Electron host, and the renderer.
// Node-side code is bundled with esbuild (node_modules stay external); the renderer with Vite.
import { rm } from 'node:fs/promises';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { pseudoLocale } from './pseudo-locale.mjs';

const root = new URL('..', import.meta.url).pathname;
await rm(`${root}dist`, { recursive: true, force: true });

const node = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  loader: { '.sql': 'text' },
  logLevel: 'warning',
};

await Promise.all([
  esbuild({
    ...node,
    format: 'esm',
    // writer: the database writer thread (provisioning/writer-worker.ts), found beside the bundle that starts it.
    entryPoints: {
      cli: 'electron/cli/main.ts',
      bench: 'bench/index.ts',
      fuzz: 'fuzz/index.ts',
      soak: 'soak/index.ts',
      writer: 'electron/station/writer-worker.ts',
      // The import's parser thread, started by the writer thread (import/parser-pipe.ts): beside writer.mjs.
      'import-parser': 'electron/station/import/parser-thread.ts',
      // The bench's stand-in writer that stores nothing (bench/load/echo-writer.ts), beside dist/bench.mjs.
      'bench-echo-writer': 'bench/load/echo-writer.ts',
    },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
  }),
  esbuild({
    ...node,
    format: 'esm',
    entryPoints: { 'station-process': 'electron/desktop/station-process.ts', writer: 'electron/station/writer-worker.ts', 'import-parser': 'electron/station/import/parser-thread.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.mjs' },
  }),
  // Electron's main and sandboxed preload are CommonJS; electron itself is provided by the runtime.
  esbuild({
    ...node,
    format: 'cjs',
    entryPoints: { main: 'electron/main.ts', preload: 'electron/preload.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    // Bundled whole (electron-store is ESM-only and main is CommonJS); only electron is the runtime's.
    packages: undefined,
    external: ['electron'],
  }),
  // The pseudo-locale is generated from the code's English on every build (scripts/pseudo-locale.mjs).
  vite({ configFile: `${root}renderer/vite.config.ts`, logLevel: 'warn', plugins: [pseudoLocale()] }),
]);
