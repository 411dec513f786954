import type { ImportCredentials } from '../../../shared/import.ts';
import { maxCertificateLength, maxTextLength } from '../../../shared/import-limits.ts';
import { controlCharacterProblem, lengthProblem } from './text.ts';
import { accessTokenProblem } from '../../../shared/access-token.ts';

/**
 * Credential cells of one row, undefined when blank; trimmed, except a password, which is kept verbatim because
 * leading or trailing spaces may be part of it.
 */
export interface CredentialValues {
  token?: string | undefined;
  clientId?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  certificate?: string | undefined;
}

type CredentialColumn = keyof CredentialValues;

export interface CredentialProblem {
  column: CredentialColumn | null;
  message: string;
  value?: string;
}

/**
 * What makes two devices' credentials collide. ThingsBoard keeps one `credentialsId` per device and refuses a
 * second device with the same one (DeviceCredentialsServiceImpl): the token itself; for MQTT_BASIC the username
 * alone, or a hash of the clientId, or of `clientId|username`; for X.509 a hash of the PEM without armour and
 * newlines. `space` and `key` mirror that, so a token and a clientId-less username collide here as they do there.
 * Kept as parts, not a message: it is built for every row and described only for the rare repeat.
 */
export type CredentialsIdentity =
  | { space: 'raw'; key: string; line: number; kind: 'token' | 'username' }
  | { space: 'clientId'; key: string; line: number }
  | { space: 'pair'; key: string; line: number; clientId: string; username: string }
  | { space: 'x509'; key: string; line: number };

export function describeIdentity(identity: CredentialsIdentity): string {
  switch (identity.space) {
    case 'raw':
      return identity.kind === 'token' ? `token '${identity.key}'` : `username '${identity.key}' (with no clientId)`;
    case 'clientId':
      return `clientId '${identity.key}' (with no username)`;
    case 'pair':
      return `clientId '${identity.clientId}' with username '${identity.username}'`;
    case 'x509':
      return 'this certificate';
  }
}

/** The column and value a repeat is reported against. */
export function identityCell(identity: CredentialsIdentity): { column: CredentialColumn; value?: string } {
  switch (identity.space) {
    case 'raw':
      return { column: identity.kind, value: identity.key };
    case 'clientId':
      return { column: 'clientId', value: identity.key };
    case 'pair':
      return { column: 'clientId', value: identity.clientId };
    case 'x509':
      return { column: 'certificate' };
  }
}

export interface CredentialsOutcome {
  credentials?: ImportCredentials;
  identity?: CredentialsIdentity;
  problems: readonly CredentialProblem[];
}

const noProblems: readonly CredentialProblem[] = Object.freeze([]);
const none: CredentialsOutcome = Object.freeze({ problems: noProblems });

/** The credentials type follows from which columns are filled; none filled leaves it to the profile's default. */
export function inferCredentials(values: CredentialValues, line: number): CredentialsOutcome {
  const { token, clientId, username, password, certificate } = values;
  const mqtt =
    clientId !== undefined
      ? 'clientId'
      : username !== undefined
        ? 'username'
        : password !== undefined
          ? 'password'
          : null;
  const types = (token !== undefined ? 1 : 0) + (mqtt !== null ? 1 : 0) + (certificate !== undefined ? 1 : 0);
  if (types === 0) return none;
  if (types > 1) {
    const given = [token !== undefined && 'token', mqtt, certificate !== undefined && 'certificate'].filter(Boolean);
    const listed = types === 2 ? `${given[0]} and ${given[1]} both` : `${given[0]}, ${given[1]} and ${given[2]} all`;
    return { problems: [{ column: null, message: `credentials type ambiguous: ${listed} given` }] };
  }
  if (token !== undefined) return accessToken(token, line);
  if (mqtt !== null) return mqttBasic(values, line);
  return x509(certificate!, line);
}

function accessToken(token: string, line: number): CredentialsOutcome {
  const unusable = accessTokenProblem(token);
  const problem = textProblem('token', token) ?? (unusable ? { column: 'token' as const, message: unusable, value: token } : null);
  if (problem) return { problems: [problem] };
  return {
    credentials: { type: 'ACCESS_TOKEN', token },
    identity: { space: 'raw', key: token, line, kind: 'token' },
    problems: noProblems,
  };
}

function mqttBasic({ clientId, username, password }: CredentialValues, line: number): CredentialsOutcome {
  const problems: CredentialProblem[] = [];
  const clientIdProblem = clientId === undefined ? null : textProblem('clientId', clientId);
  if (clientIdProblem) problems.push(clientIdProblem);
  const usernameProblem = username === undefined ? null : textProblem('username', username);
  if (usernameProblem) problems.push(usernameProblem);
  if (password !== undefined) {
    const tooLong = lengthProblem('password', password, maxTextLength);
    if (tooLong) problems.push({ column: 'password', message: tooLong });
    // ThingsBoard refuses both empty, and a password with a clientId but no username (DeviceCredentialsServiceImpl).
    if (username === undefined) {
      const what = clientId === undefined ? 'without a clientId or username' : 'with a clientId but no username';
      problems.push({
        column: 'password',
        message: `password is given ${what}; MQTT_BASIC needs a username to go with a password`,
      });
    }
  }
  if (problems.length > 0) return { problems };

  const credentials: Extract<ImportCredentials, { type: 'MQTT_BASIC' }> = { type: 'MQTT_BASIC' };
  if (clientId !== undefined) credentials.clientId = clientId;
  if (username !== undefined) credentials.username = username;
  if (password !== undefined) credentials.password = password;
  return { credentials, identity: mqttIdentity(clientId, username, line), problems: noProblems };
}

function mqttIdentity(clientId: string | undefined, username: string | undefined, line: number): CredentialsIdentity {
  if (clientId === undefined) return { space: 'raw', key: username!, line, kind: 'username' };
  if (username === undefined) return { space: 'clientId', key: clientId, line };
  // The same join ThingsBoard hashes, so the same (rare) ambiguity when a value contains '|'.
  return { space: 'pair', key: `${clientId}|${username}`, line, clientId, username };
}

function x509(certificate: string, line: number): CredentialsOutcome {
  const tooLong = lengthProblem('certificate', certificate, maxCertificateLength);
  if (tooLong) return { problems: [{ column: 'certificate', message: tooLong }] };
  const body = certificateBody(certificate);
  if (typeof body !== 'string') return { problems: [{ column: 'certificate', message: body.problem }] };
  return {
    credentials: { type: 'X509_CERTIFICATE', certificate },
    identity: { space: 'x509', key: body, line },
    problems: noProblems,
  };
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * ThingsBoard takes the PEM or its bare base64 body (PROVISIONING.md, `hash`). Returns the body without armour
 * and whitespace, or why the value is neither.
 */
export function certificateBody(value: string): string | { problem: string } {
  if (!value.includes('-----BEGIN')) {
    const body = value.replace(/\s+/g, '');
    if (isBase64(body)) return body;
    return { problem: 'certificate is neither a PEM block (-----BEGIN CERTIFICATE----- …) nor a base64 body' };
  }
  const blocks = [...value.matchAll(pemBlock)];
  if (blocks.length === 0) return { problem: 'certificate has a -----BEGIN line without its matching -----END line' };
  let body = '';
  for (const [, label, content] of blocks) {
    // A private key pasted here would be copied into the station's database and the sync payloads.
    if (label !== 'CERTIFICATE')
      return { problem: `certificate holds a ${label} block; only CERTIFICATE blocks belong here` };
    const part = content!.replace(/\s+/g, '');
    if (!isBase64(part)) return { problem: 'certificate has a PEM block whose content is not base64' };
    body += part;
  }
  if (value.replace(pemBlock, '').trim() !== '') {
    return {
      problem: 'certificate has text outside its -----BEGIN CERTIFICATE----- / -----END CERTIFICATE----- lines',
    };
  }
  return body;
}

function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && base64.test(text);
}

function textProblem(column: CredentialColumn, value: string): CredentialProblem | null {
  const message = lengthProblem(column, value, maxTextLength) ?? controlCharacterProblem(column, value);
  return message ? { column, message, value } : null;
}
