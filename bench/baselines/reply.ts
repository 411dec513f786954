/** What every bare baseline answers: a SUCCESS of the station's exact shape, with one fixed token. */
export const fixedReply = JSON.stringify({ credentialsValue: 'BaselineToken0000000', credentialsType: 'ACCESS_TOKEN', status: 'SUCCESS' });

/** A bare server of one transport, listening on 127.0.0.1. */
export interface Baseline {
  port: number;
  /** What answers, where a transport has more than one kind (the HTTP null responder: C or node). */
  name?: string;
  close(): Promise<void>;
}
