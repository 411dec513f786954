import type { DeviceColumn, ImportProblem, ImportRow } from '../../../shared/import.ts';
import { attributeColumnPrefix, maxAttributeValueLength, maxTextLength } from '../../../shared/import-limits.ts';
import { type CredentialsIdentity, describeIdentity, identityCell, inferCredentials } from './credentials.ts';
import { macFormatHint, normalizeMac } from './mac.ts';
import { clean, controlCharacterProblem, lengthProblem } from './text.ts';

/** One device as read from CSV or JSON, before validation: raw strings, keyed by canonical column. */
export interface RawDevice {
  /** CSV: the record's starting line. JSON: the element's 1-based position. */
  line: number;
  values: Partial<Record<DeviceColumn, string>>;
  attributes: Record<string, string>;
  /** Found while reading (extra values, wrong JSON types); they keep the row out of the result like any other. */
  problems: ImportProblem[];
}

export interface ValidatedDevices {
  /** Rows without any problem, in file order. */
  rows: ImportRow[];
  problems: ImportProblem[];
}

/**
 * Validates devices one at a time, remembering what it has seen, so duplicates within the file are reported on the
 * later line and point back at the first. A row with any problem is left out of `rows`; its name, MAC and
 * credentials still count as taken, so a second copy of it is reported too.
 * Written to allocate nothing beyond the row itself for a clean row: it runs 100,000 times for a large file.
 */
export class DeviceValidator implements ValidatedDevices {
  readonly rows: ImportRow[] = [];
  readonly problems: ImportProblem[] = [];
  // Exact, case-sensitive: ThingsBoard's unique (tenant, name) is, and "Pump-1" / "pump-1" may be meant.
  readonly #names = new Map<string, number>();
  readonly #macs = new Map<string, number>();
  readonly #credentials = {
    raw: new Map<string, CredentialsIdentity>(),
    clientId: new Map<string, CredentialsIdentity>(),
    pair: new Map<string, CredentialsIdentity>(),
    x509: new Map<string, CredentialsIdentity>(),
  };
  /** Problems of the row being validated; reused across rows. */
  readonly #found: ImportProblem[] = [];
  #line = 0;

  add(device: RawDevice): void {
    const { line, values } = device;
    this.#line = line;
    const found = this.#found;
    found.length = 0;
    for (const p of device.problems) found.push(p);

    const name = clean(values.name);
    if (name === undefined) {
      this.#report('name', 'name is empty');
    } else {
      this.#checkText('name', name, maxTextLength);
      const first = this.#names.get(name);
      if (first === undefined) this.#names.set(name, line);
      else this.#report('name', `name '${name}' also appears on line ${first}`, name);
    }

    const serial = clean(values.serial);
    if (serial !== undefined) this.#checkText('serial', serial, maxTextLength);
    const label = clean(values.label);
    if (label !== undefined) this.#checkText('label', label, maxTextLength);

    const rawMac = clean(values.mac);
    const mac = rawMac === undefined ? undefined : normalizeMac(rawMac);
    if (mac === null) {
      this.#report('mac', `mac '${rawMac}' is not a MAC address; ${macFormatHint}`, rawMac);
    } else if (mac !== undefined) {
      // Two devices cannot share a MAC on one LAN; a repeat is a copy-paste slip.
      const first = this.#macs.get(mac);
      if (first === undefined) this.#macs.set(mac, line);
      else this.#report('mac', `mac '${mac}' also appears on line ${first}`, mac);
    }

    const attributes: Record<string, string> = {};
    for (const key in device.attributes) {
      const value = clean(device.attributes[key]);
      if (value === undefined) continue;
      const column = attributeColumnPrefix + key;
      const problem = lengthProblem(column, value, maxAttributeValueLength);
      if (problem) this.#report(column, problem);
      attributes[key] = value;
    }

    const password = values.password;
    const outcome = inferCredentials(
      {
        token: clean(values.token),
        clientId: clean(values.clientId),
        username: clean(values.username),
        password: password === undefined || password.trim() === '' ? undefined : password,
        certificate: clean(values.certificate),
      },
      line,
    );
    for (const p of outcome.problems) this.#report(p.column, p.message, p.value);
    if (outcome.identity) this.#checkRepeatedCredentials(outcome.identity);

    if (found.length > 0) {
      for (const p of found) this.problems.push(p);
      return;
    }
    const row: ImportRow = { line, name: name!, attributes };
    if (serial !== undefined) row.serial = serial;
    if (mac) row.mac = mac;
    if (label !== undefined) row.label = label;
    if (outcome.credentials) row.credentials = outcome.credentials;
    this.rows.push(row);
  }

  #checkRepeatedCredentials(identity: CredentialsIdentity): void {
    const seen = this.#credentials[identity.space];
    const first = seen.get(identity.key);
    if (first === undefined) {
      seen.set(identity.key, identity);
      return;
    }
    const description = describeIdentity(identity);
    const firstDescription = describeIdentity(first);
    const message =
      description === firstDescription
        ? `${description} also appears on line ${first.line}`
        : `${description} is also used on line ${first.line} as ${firstDescription}; ThingsBoard identifies both by that value`;
    const { column, value } = identityCell(identity);
    this.#report(column, message, value);
  }

  #checkText(column: string, value: string, max: number): void {
    const problem = lengthProblem(column, value, max) ?? controlCharacterProblem(column, value);
    if (problem) this.#report(column, problem, value);
  }

  #report(column: string | null, message: string, value?: string): void {
    const line = this.#line;
    this.#found.push(value === undefined ? { line, column, message } : { line, column, message, value });
  }
}

export function validateDevices(devices: Iterable<RawDevice>): ValidatedDevices {
  const validator = new DeviceValidator();
  for (const device of devices) validator.add(device);
  return { rows: validator.rows, problems: validator.problems };
}
