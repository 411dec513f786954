// The layers of the architecture, enforced: the engine runs under plain Node (never imports electron), and
// renderer/ and shared/ stay free of Node so they run in a browser. Run by `npm run lint` and by a unit test.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const nodeBuiltins = new Set(['fs', 'path', 'os', 'net', 'http', 'https', 'crypto', 'child_process', 'dgram', 'stream', 'url', 'util', 'events', 'zlib', 'worker_threads']);
const nodeOnlyPackages = ['better-sqlite3', 'aedes', 'coap', 'mqtt', 'pdfkit', 'electron', 'electron-store'];

/** Files that may import electron: the desktop host only. */
const electronAllowed = (file) => /^electron\/(main|preload)\.ts$|^electron\/desktop\//.test(file);

function* sources(dir) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|tsx|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

function importsOf(file) {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

export function layerViolations() {
  const problems = [];
  for (const file of sources('electron')) {
    for (const spec of importsOf(file)) {
      if ((spec === 'electron' || spec.startsWith('electron/') || spec === 'electron-store') && !electronAllowed(file)) {
        problems.push(`${file} imports '${spec}': only electron/main.ts, preload.ts and electron/desktop/ may`);
      }
    }
  }
  for (const dir of ['renderer', 'shared']) {
    for (const file of sources(dir)) {
      if (file.endsWith('vite.config.ts')) continue; // build tooling, runs under Node
      for (const spec of importsOf(file)) {
        const bare = spec.replace(/^node:/, '').split('/')[0];
        if (spec.startsWith('node:') || nodeBuiltins.has(bare) || nodeOnlyPackages.includes(bare)) {
          problems.push(`${file} imports '${spec}': ${dir}/ must stay free of Node-only modules`);
        }
        if (dir === 'shared' && (spec.includes('/electron/') || spec.includes('/renderer/'))) {
          problems.push(`${file} imports '${spec}': shared/ imports neither side`);
        }
        if (dir === 'renderer' && spec.includes('/electron/')) {
          problems.push(`${file} imports '${spec}': the renderer reaches the engine only through the admin API`);
        }
      }
    }
  }
  return [...problems, ...importCycles()].map((p) => relative('.', p));
}

/**
 * Import cycles between our own files (type-only imports count: they tie the files' meanings together just the same).
 * A cycle means two modules each need the other: one of them holds something that belongs in a third.
 */
export function importCycles() {
  const graph = new Map();
  for (const dir of ['electron', 'shared', 'renderer/src']) {
    for (const file of sources(dir)) {
      const edges = [];
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = normalize(join(dirname(file), spec));
        if (/\.(ts|tsx)$/.test(target)) edges.push(target);
      }
      graph.set(file, edges);
    }
  }
  const cycles = [];
  const state = new Map(); // 1 on the current path, 2 done
  const path = [];
  const visit = (file) => {
    state.set(file, 1);
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 1) cycles.push(`import cycle: ${[...path.slice(path.indexOf(next)), next].join(' -> ')}`);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 2);
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = layerViolations();
  for (const p of problems) console.error(p);
  process.exit(problems.length ? 1 : 0);
}
