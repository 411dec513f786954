import { createHash } from 'node:crypto';
import { badRequest } from './replies.ts';

// How ThingsBoard normalises credentials before storing them
// (dao/.../device/DeviceCredentialsServiceImpl.formatCredentials and common/message/.../EncryptionUtil).

export type CredentialsType = 'ACCESS_TOKEN' | 'MQTT_BASIC' | 'X509_CERTIFICATE';

export interface FormattedCredentials {
  credentialsType: CredentialsType;
  credentialsId: string;
  credentialsValue: string | null;
}

/** EncryptionUtil.certTrimNewLines: drops the BEGIN/END lines and every CR/LF. */
export function certTrimNewLines(pem: string): string {
  return pem
    .replaceAll('-----BEGIN CERTIFICATE-----', '')
    .replaceAll('\n', '')
    .replaceAll('\r', '')
    .replaceAll('-----END CERTIFICATE-----', '');
}

/** EncryptionUtil.getSha3Hash: SHA3-256 (hex) of the trimmed text. */
export const sha3Hex = (data: string) => createHash('sha3-256').update(certTrimNewLines(data)).digest('hex');

const isEmpty = (s: unknown): boolean => s === undefined || s === null || s === '';

/** Validates and normalises a `credentials` object from a request body. Throws ThingsBoard's 400s. */
export function formatCredentials(raw: unknown): FormattedCredentials {
  const c = (raw ?? {}) as Record<string, unknown>;
  const type = c.credentialsType;
  if (isEmpty(type)) throw badRequest('Device credentials type should be specified');
  switch (type) {
    case 'ACCESS_TOKEN': {
      const id = typeof c.credentialsId === 'string' ? c.credentialsId : '';
      if (id === '') throw badRequest('Device credentials id should be specified!');
      return { credentialsType: 'ACCESS_TOKEN', credentialsId: id, credentialsValue: null };
    }
    case 'MQTT_BASIC': {
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = typeof c.credentialsValue === 'string' ? JSON.parse(c.credentialsValue) : null;
      } catch {
        parsed = null;
      }
      if (parsed === null || typeof parsed !== 'object') {
        throw badRequest('Invalid credentials body for simple mqtt credentials!');
      }
      const str = (v: unknown) => (typeof v === 'string' ? v : null);
      const clientId = str(parsed.clientId);
      const userName = str(parsed.userName);
      const password = str(parsed.password);
      if (isEmpty(clientId) && isEmpty(userName)) throw badRequest('Both mqtt client id and user name are empty!');
      if (!isEmpty(clientId) && !isEmpty(password) && isEmpty(userName)) {
        throw badRequest('Password cannot be specified along with client id');
      }
      // The lookup key ThingsBoard derives, so two devices can never share a clientId/userName pair.
      const credentialsId = isEmpty(clientId)
        ? (userName as string)
        : isEmpty(userName)
          ? sha3Hex(clientId as string)
          : sha3Hex(`${clientId}|${userName}`);
      // Re-serialised BasicMqttCredentials: Jackson keeps nulls and field order clientId, userName, password.
      return {
        credentialsType: 'MQTT_BASIC',
        credentialsId,
        credentialsValue: JSON.stringify({ clientId, userName, password }),
      };
    }
    case 'X509_CERTIFICATE': {
      const pem = typeof c.credentialsValue === 'string' ? c.credentialsValue : '';
      const cert = certTrimNewLines(pem);
      if (cert === '') throw badRequest('Device credentials id should be specified!');
      return { credentialsType: 'X509_CERTIFICATE', credentialsId: sha3Hex(cert), credentialsValue: cert };
    }
    default:
      // Jackson rejects an unknown enum constant before the controller runs.
      throw badRequest(`JSON parse error: Cannot deserialize value of type DeviceCredentialsType from String "${type}"`);
  }
}
