import type { BundleDevice } from './bundle-format.ts';

// The bundle's devices as CSV (RFC 4180), with the credential columns ThingsBoard's bulk device import maps
// (name, type = profile, label, access token, X.509, MQTT client id / user name / password).

const columns = [
  'name',
  'type',
  'label',
  'batch',
  'state',
  'gateway',
  'credentialsType',
  'accessToken',
  'x509',
  'mqttClientId',
  'mqttUserName',
  'mqttPassword',
  'serverAttributes',
] as const;

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function bundleCsv(devices: BundleDevice[]): string {
  const lines = [columns.join(',')];
  for (const d of devices) {
    const c = d.credentials;
    const mqtt = c?.type === 'MQTT_BASIC' ? (JSON.parse(c.value) as Record<string, string | null>) : {};
    const row: Record<(typeof columns)[number], unknown> = {
      name: d.name,
      type: d.profile,
      label: d.label,
      batch: d.batch,
      state: d.state,
      gateway: d.gateway,
      credentialsType: c?.type ?? '',
      accessToken: c?.type === 'ACCESS_TOKEN' ? c.value : '',
      x509: c?.type === 'X509_CERTIFICATE' ? c.value : '',
      mqttClientId: mqtt.clientId,
      mqttUserName: mqtt.userName,
      mqttPassword: mqtt.password,
      serverAttributes: d.attributes.server ? JSON.stringify(d.attributes.server) : '',
    };
    lines.push(columns.map((k) => cell(row[k])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
