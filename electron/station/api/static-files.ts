import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { policyHeader, uiPolicyDirectives } from '../../../shared/security-policy.ts';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

// form-action does not fall back to default-src (CSP3 §6.4.1), so the pages served here name it.
export const contentSecurityPolicy = policyHeader([...uiPolicyDirectives, "form-action 'self'"]);

/** Serves the built renderer; unknown paths fall back to index.html (client-side routes). */
export async function serveStatic(uiDir: string | undefined, urlPath: string, res: ServerResponse): Promise<void> {
  if (!uiDir) return notBuilt(res);
  const root = normalize(uiDir.endsWith(sep) ? uiDir : uiDir + sep);
  let file = normalize(join(root, decodeURIComponent(urlPath)));
  if (!file.startsWith(root)) file = join(root, 'index.html');
  let info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    file = join(root, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info?.isFile()) return notBuilt(res);
  }
  const type = types[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': info.size,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Hashed asset names may be cached; the page itself must not, so a new build shows up.
    'cache-control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  createReadStream(file).pipe(res);
}

function notBuilt(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('The Fieldstation UI is not built. Run `npm run build`; the admin API works meanwhile.\n');
}
