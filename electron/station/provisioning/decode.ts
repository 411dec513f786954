import { CredentialsType } from '../../../shared/provisioning.ts';
import type { DecodeResult, ProvisionRequest } from './types.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

const stringFields = ['deviceName', 'token', 'clientId', 'username', 'password', 'hash'] as const;

/**
 * Checks the shape of a provisioning request body. ThingsBoard lets Jackson throw here (HTTP 500); we answer
 * with a plain message instead. `null` counts as absent, as Jackson maps it; an empty key/secret is NOT malformed:
 * it is a NOT_FOUND outcome (decision order, step 2).
 */
export function decodeProvisionRequest(body: unknown): DecodeResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: reasonText('notObject') };
  }
  const input = body as Record<string, unknown>;
  for (const field of ['provisionDeviceKey', 'provisionDeviceSecret'] as const) {
    if (input[field] === undefined || input[field] === null) return { ok: false, message: reasonText('fieldMissing', { field }) };
    if (typeof input[field] !== 'string') return { ok: false, message: reasonText('fieldNotString', { field }) };
  }
  const request: ProvisionRequest = {
    provisionDeviceKey: input.provisionDeviceKey as string,
    provisionDeviceSecret: input.provisionDeviceSecret as string,
  };
  for (const field of stringFields) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return { ok: false, message: reasonText('fieldNotString', { field }) };
    request[field] = value;
  }
  if (input.credentialsType !== undefined && input.credentialsType !== null) {
    const type = CredentialsType.safeParse(input.credentialsType);
    if (!type.success) {
      return { ok: false, message: reasonText('badCredentialsType', { types: CredentialsType.options.join(', ') }) };
    }
    request.credentialsType = type.data;
  }
  if (input.gateway !== undefined && input.gateway !== null) {
    if (typeof input.gateway !== 'boolean') return { ok: false, message: reasonText('badGateway') };
    request.gateway = input.gateway;
  }
  return { ok: true, request };
}

/**
 * A device name as ThingsBoard trims it: Java's String.trim() (DeviceProvisionServiceImpl), which strips the
 * characters up to U+0020 (controls included) from both ends and nothing else; JavaScript's trim() would also strip
 * Unicode spaces (a no-break space) and keep control characters, so a name's blankness and its stored form would
 * differ from ThingsBoard's.
 */
export function trimDeviceName(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && name.charCodeAt(start) <= 0x20) start++;
  while (end > start && name.charCodeAt(end - 1) <= 0x20) end--;
  return name.slice(start, end);
}
