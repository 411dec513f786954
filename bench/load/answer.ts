/** The request body every generated device sends, split around its device name so only the name is encoded per request. */
export function provisionBody(key: string, secret: string): (deviceName: string) => Buffer {
  const head = Buffer.from(`{"provisionDeviceKey":${JSON.stringify(key)},"provisionDeviceSecret":${JSON.stringify(secret)},"deviceName":"`);
  const tail = Buffer.from('"}');
  return (deviceName) => Buffer.concat([head, Buffer.from(deviceName, 'latin1'), tail]);
}

/**
 * Why an answer is not a provisioning SUCCESS carrying credentials (PROVISIONING.md, "Responses"), or null when it
 * is one. A generator that counted any reply as throughput would measure garbage.
 */
export function notSuccess(payload: Buffer): string | null {
  let answer: unknown;
  try {
    answer = JSON.parse(payload.toString('utf8'));
  } catch {
    return `answer is not JSON: ${JSON.stringify(payload.toString('utf8', 0, 80))}`;
  }
  if (typeof answer !== 'object' || answer === null) return 'answer is not a JSON object';
  const { status, credentialsValue, errorMsg } = answer as Record<string, unknown>;
  if (status !== 'SUCCESS') return `status ${String(status)}${typeof errorMsg === 'string' ? `: ${errorMsg}` : ''}`;
  if (typeof credentialsValue !== 'string' || credentialsValue === '') return 'SUCCESS without an access token';
  return null;
}
