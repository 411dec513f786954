import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { StationKeys } from '../keys.ts';
import { createAttributeStore } from '../store/attributes.ts';
import { jsonText } from '../json-pieces.ts';
import { createTurns, readInPages } from '../loop-turns.ts';
import type { Db } from '../store/database.ts';
import { bundleCsv } from './bundle-csv.ts';
import { BUNDLE_FORMAT, type Bundle, type BundleDevice, type BundlePayload, } from './bundle-format.ts';
import { createDeviceRecords, } from './device-records.ts';
import { createTelemetryReader, toPoints } from './telemetry.ts';

// The file bundle, for sites that never get online: one JSON file with every device, its credentials and its
// attributes (and the same as CSV, embedded), signed so the receiving station can tell it arrived unchanged.
//
// Why Ed25519 and not an HMAC: an HMAC key would have to be typed in at the receiving side and would then also let
// that side forge bundles. The station instead signs with an Ed25519 key derived from its master key (so the key is
// stable across runs and never stored), puts the public key in the bundle and prints its fingerprint at export.
// The signature alone proves the file was not changed since a holder of that key signed it; that it was *this*
// station's key is proven by comparing the fingerprint (`import-bundle --fingerprint FP` enforces it), as with SSH
// host keys. Honest limit: without the fingerprint check, someone who rewrites a bundle can re-sign it with a key of
// their own. The bundle holds device credentials in clear: treat it like a password file (written 0600).

export { BUNDLE_FORMAT } from './bundle-format.ts';
export type { Bundle, BundleDevice, BundlePayload, BundleProfile } from './bundle-format.ts';

// RFC 8410 PKCS#8 prefix for a raw Ed25519 seed: node:crypto takes private keys only as PEM/DER/JWK.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The station's bundle-signing key pair (derived, never stored). */
export function bundleKeys(keys: StationKeys) {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, keys.derive('bundle-signing')]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  return { privateKey, publicKey: raw.toString('base64'), fingerprint: fingerprintOf(raw) };
}

/** SHA-256 of the raw public key, first 16 bytes, in groups of four hex digits: short enough to read aloud. */
export function fingerprintOf(rawPublicKey: Buffer): string {
  const hex = createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 32);
  return hex.match(/.{4}/g)!.join(' ');
}

export const normalizeFingerprint = (fp: string) => fp.replace(/[\s:]/g, '').toLowerCase();

/**
 * The signed bytes: the payload as JSON.stringify writes it. Parsing and re-stringifying JSON that JSON.stringify
 * wrote gives the same text (key order and number forms survive the round trip), so the file may be pretty-printed.
 */
const signedBytes = (payload: BundlePayload) => Buffer.from(JSON.stringify(payload), 'utf8');

/**
 * Builds and signs the bundle of one batch (or all devices). A bundle of tens of MB (many devices, or one with months
 * of telemetry) is read, stringified and signed with turns of the event loop between pieces (loop-turns.ts): built in
 * one go it held the station's loop for seconds (found by npm run fuzz).
 */
export async function exportBundle(db: Db, keys: StationKeys, batch: string | null, now = Date.now()): Promise<Bundle> {
  if (batch !== null && db.prepare('SELECT 1 FROM batches WHERE name = ?').get(batch) === undefined) {
    throw new Error(`there is no batch named '${batch}'`);
  }
  const turns = createTurns();
  const attributes = createAttributeStore(db);
  const telemetry = createTelemetryReader(db);
  const devices: BundleDevice[] = [];
  for (const { id, ...device } of createDeviceRecords(db).list(batch)) {
    const rows = await readInPages((afterId, limit) => telemetry.after(id, afterId ?? 0, limit), (r) => r.id);
    // Nulls kept: the bundle is the station's record, not what ThingsBoard would store.
    devices.push({ ...device, telemetry: toPoints(rows, { keepNulls: true }) });
    const turn = turns.maybe();
    if (turn) await turn;
  }
  const profileNames = [...new Set(devices.map((d) => d.profile))];
  const profiles = profileNames.map((name) => {
    const p = db.prepare('SELECT * FROM profiles WHERE name = ?').get(name) as Record<string, string> & { id: number };
    return {
      name,
      provisionDeviceKey: p.provision_key!,
      provisionDeviceSecret: p.provision_secret!,
      strategy: p.strategy!,
      defaultCredentialsType: p.default_credentials_type!,
      reprovision: p.reprovision!,
      attributes: attributes.authored('profile', p.id),
    };
  });
  const batchNames = [...new Set(devices.map((d) => d.batch).filter((b): b is string => b !== null))];
  const batches = batchNames.map((name) => {
    const b = db
      .prepare('SELECT b.id, b.site, b.notes, p.name AS profile, b.language FROM batches b LEFT JOIN profiles p ON p.id = b.profile_id WHERE b.name = ?')
      .get(name) as { id: number; site: string; notes: string; profile: string | null; language: string };
    const { id, ...rest } = b;
    return { name, ...rest, attributes: attributes.authored('batch', id) };
  });
  const payload: BundlePayload = { createdAt: new Date(now).toISOString(), batch, profiles, batches, devices, csv: bundleCsv(devices) };
  const k = bundleKeys(keys);
  // Signed off the loop (the callback form runs in libuv's thread pool): Ed25519 hashes the whole message twice.
  const bytes = Buffer.from(await jsonText(payload), 'utf8');
  const signature = await new Promise<Buffer>((resolve, reject) => sign(null, bytes, k.privateKey, (err, sig) => (err ? reject(err) : resolve(sig))));
  return { format: BUNDLE_FORMAT, payload, signature: { alg: 'Ed25519', publicKey: k.publicKey, fingerprint: k.fingerprint, value: signature.toString('base64') } };
}

export class BundleError extends Error {
  override name = 'BundleError';
}

/** Parses and verifies a bundle file's text; throws BundleError with a plain message. */
export function verifyBundle(text: string, expectedFingerprint?: string): Bundle & { fingerprint: string } {
  let parsed: Partial<Bundle>;
  try {
    parsed = JSON.parse(text) as Partial<Bundle>;
  } catch {
    throw new BundleError('this file is not a Fieldstation bundle (it is not JSON)');
  }
  if (parsed?.format !== BUNDLE_FORMAT || typeof parsed.payload !== 'object' || parsed.signature?.alg !== 'Ed25519') {
    throw new BundleError(`this file is not a Fieldstation bundle (expected format ${BUNDLE_FORMAT})`);
  }
  const raw = Buffer.from(String(parsed.signature.publicKey), 'base64');
  if (raw.length !== 32) throw new BundleError('the bundle signature is damaged (bad public key); it was not imported');
  const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
  const ok = verify(null, signedBytes(parsed.payload as BundlePayload), publicKey, Buffer.from(String(parsed.signature.value), 'base64'));
  if (!ok) throw new BundleError('the bundle was changed after it was signed (its signature does not match); it was not imported');
  const fingerprint = fingerprintOf(raw);
  if (expectedFingerprint !== undefined && normalizeFingerprint(expectedFingerprint) !== normalizeFingerprint(fingerprint)) {
    throw new BundleError(`the bundle is signed by key ${fingerprint}, not by the expected ${expectedFingerprint}; it was not imported`);
  }
  return { ...(parsed as Bundle), fingerprint };
}
