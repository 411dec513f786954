import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The file a worker thread runs. Built, it is the entry scripts/build.mjs bundles next to the caller's bundle
 * (`bundled`). Run from TypeScript sources (vitest), Node 20 cannot load `.ts` in a worker, so the entry is bundled
 * here with the esbuild the tests already have, once per content, into the project's `.cache/`, where its packages
 * resolve from node_modules as the built one's do.
 */
export function workerScript(entry: { source: URL; bundled: URL; fromSource: boolean }): URL {
  if (!entry.fromSource) return entry.bundled;
  const source = fileURLToPath(entry.source);
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof import('esbuild');
  const built = esbuild.buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    loader: { '.sql': 'text' },
    write: false,
    logLevel: 'warning',
  });
  const code = built.outputFiles[0]!.contents;
  const dir = join(projectRoot(source), '.cache', 'workers');
  const file = join(dir, `${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Test files run in parallel processes: each writes its own copy and renames it into place whole.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return pathToFileURL(file);
}

function projectRoot(from: string): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}
