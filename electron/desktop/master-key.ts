import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { masterKeyFile } from '../station/keys.ts';

/**
 * The station's master key in the OS keychain (safeStorage: Keychain, DPAPI, libsecret), as a sealed blob in the
 * app's folder. A key the headless station made earlier in the same data folder is adopted, so its printed labels
 * keep working, and its plain file removed. Returns null when the OS offers no keychain: the engine then keeps
 * using its user-only file, as headless.
 */
export function desktopMasterKey(userData: string, dataDir: string, log: (line: string) => void): string | null {
  if (!safeStorage.isEncryptionAvailable()) {
    log('no OS keychain available; the station keeps its master key in a user-only file');
    return null;
  }
  const sealed = path.join(userData, 'master-key.sealed');
  if (existsSync(sealed)) return safeStorage.decryptString(readFileSync(sealed));
  const headless = masterKeyFile(dataDir);
  const key = existsSync(headless) ? readFileSync(headless, 'utf8').trim() : randomBytes(32).toString('base64');
  writeFileSync(sealed, safeStorage.encryptString(key), { mode: 0o600 });
  if (existsSync(headless)) rmSync(headless);
  return key;
}
