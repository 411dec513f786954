import type { HandoverEndpoint, HandoverSettings } from '../../../shared/handover.ts';

/**
 * Where a device goes, from the sync target's URL: the cloud's host, TLS when the URL is https, and ThingsBoard's
 * default device ports (MQTT 1883/8883, CoAP 5683/5684; HTTP the URL's own port). Overrides win.
 */
export function endpointFor(targetUrl: string, overrides: Partial<HandoverEndpoint> = {}): HandoverEndpoint {
  const url = new URL(targetUrl);
  const tls = overrides.tls ?? url.protocol === 'https:';
  const urlPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return {
    // URL keeps IPv6 literals bracketed; firmware wants the bare address.
    host: overrides.host ?? url.hostname.replace(/^\[(.*)\]$/, '$1'),
    httpPort: overrides.httpPort ?? urlPort,
    mqttPort: overrides.mqttPort ?? (tls ? 8883 : 1883),
    coapPort: overrides.coapPort ?? (tls ? 5684 : 5683),
    tls,
  };
}

/** The shared attributes that tell the device: the profile's names for each part of the endpoint, plus its extras. */
export function handoverAttributes(settings: HandoverSettings, endpoint: HandoverEndpoint): Record<string, unknown> {
  const names = settings.attributes;
  return {
    ...settings.extra,
    [names.host]: endpoint.host,
    [names.mqttPort]: endpoint.mqttPort,
    [names.httpPort]: endpoint.httpPort,
    [names.coapPort]: endpoint.coapPort,
    [names.tls]: endpoint.tls,
  };
}

/** ThingsBoard firmware reports booleans and strings alike; a confirmation is anything but an explicit "no". */
export function confirms(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== '' && value !== 0 && value !== 'false';
}
