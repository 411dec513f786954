import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The station's master key: onboarding-token secrets and API-token signatures derive from it. It lives apart from
 * the database, so a copy of station.db alone reveals no label secret. Headless it is a user-only file; the desktop
 * host keeps it in the OS keychain (Electron safeStorage) and hands it to the engine.
 */
export function loadMasterKey(dataDir: string): Buffer {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'master.key');
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} is damaged (expected 32 bytes)`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process created a moment ago; read that one instead.
  try {
    writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(dataDir);
    throw err;
  }
  return key;
}

export interface StationKeys {
  /** A purpose-bound subkey, so one use of the master key can never stand in for another. */
  derive(purpose: string): Buffer;
  hmac(purpose: string, message: string): Buffer;
}

export function createStationKeys(master: Buffer): StationKeys {
  return {
    derive: (purpose) => createHmac('sha256', master).update(`fieldstation:${purpose}`).digest(),
    hmac: (purpose, message) => createHmac('sha256', master).update(`fieldstation:${purpose}\0${message}`).digest(),
  };
}
