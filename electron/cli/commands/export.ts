import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, type ParsedArgs, UsageError, dataOption, requiredOption, stringOption } from '../command.ts';
import { CommandError, printJson, withEngine } from '../engine-call.ts';

// Both ends of the file bundle live here (see station/sync/bundle.ts): `export` writes it at a site that never
// gets online, `import-bundle` reads it into a station that does, which then syncs the devices. The bundle holds
// every device's credentials, so it is encrypted when asked (station/sync/bundle-seal.ts): to a passphrase read from
// a file (never from the command line, where `ps` and shell history would show it) or to a recipient's public key.
//
// An export without either still works, as it always has (scripts rely on `export --out FILE`, CLI.md), but says on
// stderr that the file is readable by anyone who gets it; `--unencrypted` states that choice and silences the note.

export const exportCommand: Command = {
  summary: 'write a signed bundle of devices with credentials and attributes, for sites that never get online',
  usage: 'fieldstation export --out FILE [--batch NAME] [--passphrase-file FILE | --recipient KEYFILE | --unencrypted]',
  options: {
    ...dataOption,
    out: { type: 'string' },
    batch: { type: 'string' },
    'passphrase-file': { type: 'string' },
    recipient: { type: 'string' },
    unencrypted: { type: 'boolean' },
  },
  run: (args) => {
    const out = requiredOption(args, 'out');
    const batch = stringOption(args, 'batch');
    const passphraseFile = stringOption(args, 'passphrase-file');
    const recipientFile = stringOption(args, 'recipient');
    const chosen = [passphraseFile !== undefined, recipientFile !== undefined, args.values.unencrypted === true].filter(Boolean).length;
    if (chosen > 1) throw new UsageError('give at most one of --passphrase-file, --recipient and --unencrypted');
    const encryptTo =
      passphraseFile !== undefined ? { passphrase: readPassphrase(passphraseFile) } : recipientFile !== undefined ? { recipient: readSecretFile(recipientFile, 'recipient key') } : undefined;
    return withEngine(args, async (call) => {
      const bundle = await call('sync.bundle.export', { ...(batch === undefined ? {} : { batch }), ...(encryptTo === undefined ? {} : { encryptTo }) });
      try {
        // Encrypted or not, readable by this user only.
        writeFileSync(out, bundle.text, { mode: 0o600 });
      } catch (e) {
        throw new CommandError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (bundle.encryption === 'none' && args.values.unencrypted !== true) {
        console.error(`warning: ${out} holds every device's credentials in clear; encrypt it with --passphrase-file FILE or --recipient KEYFILE (--unencrypted: on purpose, no warning)`);
      }
      if (args.values.json) printJson({ out, devices: bundle.devices, fingerprint: bundle.fingerprint, encryption: bundle.encryption });
      else {
        console.log(`wrote ${bundle.devices} device${bundle.devices === 1 ? '' : 's'} to ${out}`);
        console.log(`signed by this station's key, fingerprint ${bundle.fingerprint}`);
        if (bundle.encryption === 'passphrase') console.log('encrypted with the passphrase (scrypt, AES-256-GCM): import-bundle needs --passphrase-file');
        if (bundle.encryption === 'recipient') console.log("encrypted to the recipient's key (X25519, AES-256-GCM): import-bundle needs --identity with its private key");
        console.log('give the fingerprint to whoever imports it (import-bundle --fingerprint ...)');
      }
      return 0;
    });
  },
};

export const importBundleCommand: Command = {
  summary: 'import a signed device bundle (from `export`) into this station: same devices, same credentials',
  usage: 'fieldstation import-bundle FILE [--fingerprint FP] [--passphrase-file FILE | --identity KEYFILE] [--json]',
  options: { ...dataOption, fingerprint: { type: 'string' }, 'passphrase-file': { type: 'string' }, identity: { type: 'string' } },
  positionals: true,
  run: (args) => {
    const [file, ...extra] = args.positionals;
    if (file === undefined || extra.length > 0) throw new UsageError('give exactly one bundle file (usage: fieldstation import-bundle FILE [--fingerprint FP])');
    const text = readSecretFile(file, 'bundle');
    const secrets = openSecrets(args);
    return withEngine(args, async (call) => {
      const fingerprint = stringOption(args, 'fingerprint');
      const r = await call('sync.bundle.import', { text, ...(fingerprint === undefined ? {} : { fingerprint }), ...secrets });
      if (args.values.json) printJson(r);
      else {
        if (r.encryption !== 'none') console.log(`decrypted (${r.encryption === 'passphrase' ? 'passphrase' : 'recipient key'})`);
        console.log(`signature verified: signed by key ${r.fingerprint} on ${r.createdAt}${fingerprint ? ' (the expected key)' : '; compare this fingerprint with the one printed at export'}`);
        console.log(`${r.imported} imported, ${r.present} already here, ${r.conflicts.length} conflicts; ${r.telemetry} telemetry values added`);
      }
      for (const c of r.conflicts) console.error(`conflict: ${c.device}: ${c.message}`);
      return r.conflicts.length === 0 ? 0 : 1;
    });
  },
};

function openSecrets(args: ParsedArgs): { passphrase?: string; identity?: string } {
  const passphraseFile = stringOption(args, 'passphrase-file');
  const identityFile = stringOption(args, 'identity');
  if (passphraseFile !== undefined && identityFile !== undefined) throw new UsageError('give --passphrase-file or --identity, not both');
  if (passphraseFile !== undefined) return { passphrase: readPassphrase(passphraseFile) };
  if (identityFile !== undefined) return { identity: readSecretFile(identityFile, 'identity key') };
  return {};
}

function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CommandError(`cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The file's first line (what `echo … > FILE` or a password manager writes), without its line ending. */
function readPassphrase(file: string): string {
  const passphrase = readSecretFile(file, 'passphrase file').split(/\r?\n/, 1)[0] ?? '';
  if (passphrase === '') throw new CommandError(`the passphrase file ${file} is empty`);
  return passphrase;
}
