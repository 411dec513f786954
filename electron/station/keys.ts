import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './store/database.ts';

export const masterKeyFile = (dataDir: string) => join(dataDir, 'keys', 'master.key');

/**
 * The station's master key: onboarding-token secrets and API-token signatures derive from it. It lives apart from
 * the database, so a copy of station.db alone reveals no label secret. Headless it is a user-only file; the desktop
 * host keeps it in the OS keychain (Electron safeStorage) and hands it to the engine.
 */
export function loadMasterKey(dataDir: string): Buffer {
  const file = masterKeyFile(dataDir);
  const dir = join(dataDir, 'keys');
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

/** Where a station's master key is kept; recorded in its database so another host can say what is missing. */
export type KeyStore = 'file' | 'os-keychain';

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/**
 * Proves that `key` is the key this station's labels were derived with, recording it on first use. A different
 * key would silently print labels that never redeem, so it is refused with the reason instead.
 */
export function checkMasterKey(db: Db, key: Buffer, store: KeyStore): void {
  const check = createHmac('sha256', key).update('fieldstation:master-key-check').digest('base64');
  const get = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const known = get.get('master-key.check') as string | undefined;
  const knownStore = (get.get('master-key.store') as KeyStore | undefined) ?? 'file';
  const set = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  if (known === undefined) {
    db.transaction(() => {
      set.run('master-key.check', check);
      set.run('master-key.store', store);
    })();
    return;
  }
  if (known === check) {
    // The desktop app adopted the headless key into the keychain: from now on the CLI must say where it went.
    if (knownStore !== store) set.run('master-key.store', store);
    return;
  }
  throw new MasterKeyError(
    knownStore === 'os-keychain' && store === 'file'
      ? keychainOnly
      : "the master key does not match this station's database (restore keys/master.key from a backup of this station)",
  );
}

const keychainOnly = "this station's master key is in the Fieldstation desktop app's OS keychain; run this from the desktop app";

/** The headless key file, unless this station's key is kept by the desktop app (then no new file is made). */
export function loadFileKey(db: Db, dataDir: string): Buffer {
  const store = db.prepare("SELECT value FROM settings WHERE key = 'master-key.store'").pluck().get();
  if (store === 'os-keychain') throw new MasterKeyError(keychainOnly);
  return loadMasterKey(dataDir);
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
