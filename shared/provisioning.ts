import { z } from 'zod';

/**
 * The ThingsBoard device-provisioning wire contract (see ../shared/protocol/PROVISIONING.md beside the repo).
 * Key order of the response objects matters to some firmware parsers: keep the declaration order.
 */
export const CredentialsType = z.enum(['ACCESS_TOKEN', 'MQTT_BASIC', 'X509_CERTIFICATE']);
export type CredentialsType = z.infer<typeof CredentialsType>;

export const Transport = z.enum(['http', 'mqtt', 'coap']);
export type Transport = z.infer<typeof Transport>;

export const ProvisionStrategy = z.enum(['allow-create', 'check-pre-provisioned', 'disabled']);
export type ProvisionStrategy = z.infer<typeof ProvisionStrategy>;

export const ReprovisionPolicy = z.enum(['deny', 'reissue-same']);
export type ReprovisionPolicy = z.infer<typeof ReprovisionPolicy>;

/** MQTT_BASIC credentials as the station stores them: a part not given is null. */
export interface MqttBasicValue {
  clientId: string | null;
  userName: string | null;
  password: string | null;
}

/**
 * MQTT_BASIC credentials as a SUCCESS answer carries them: a part not given is "", never null. ThingsBoard's transport
 * reads an absent field as "" (JsonConverter.getStrValue) and stores and answers those strings (BasicMqttCredentials);
 * firmware that copies `userName` as a C string would get NULL otherwise.
 */
export interface MqttBasicAnswer {
  clientId: string;
  userName: string;
  password: string;
}

export type ProvisionResponse =
  | { credentialsValue: string | MqttBasicAnswer; credentialsType: CredentialsType; status: 'SUCCESS' }
  | { errorMsg: 'Provision data was not found!'; status: 'NOT_FOUND' }
  | { errorMsg: string; status: 'FAILURE' };

export const notFound = { errorMsg: 'Provision data was not found!', status: 'NOT_FOUND' } as const;
export const failure = { errorMsg: 'Failed to provision device!', status: 'FAILURE' } as const;
