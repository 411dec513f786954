import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const cookieName = (port: number) => `fieldstation_${port}`;

export function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The secret the request presents: `Authorization: Bearer …` or the session cookie the UI URL set. */
export function presentedSecret(req: IncomingMessage, port: number): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * Loopback is not enough: any web page the technician opens could post to 127.0.0.1. So the Host must be ours
 * (defeats DNS rebinding) and a browser-sent Origin must be ours too.
 */
export function isOwnOrigin(req: IncomingMessage, port: number): boolean {
  const own = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!own.has(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

export function sessionCookie(port: number, secret: string): string {
  return `${cookieName(port)}=${encodeURIComponent(secret)}; HttpOnly; SameSite=Strict; Path=/`;
}
