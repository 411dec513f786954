import { defineMessages } from 'react-intl';

/** Refusal reasons added with the per-protocol limits (shared/station.ts RefusalReason), as the Refused panel names them. */
export type NewReason = 'idle' | 'slow-request' | 'blockwise';

export const newReasonMessages = defineMessages({
  idle: {
    id: 'server.refused.reason.idle',
    defaultMessage: 'MQTT: silent past its keep-alive, or never sent CONNECT',
  },
  'slow-request': {
    id: 'server.refused.reason.slowRequest',
    defaultMessage: 'HTTP: headers or body too slow (timed out)',
  },
  blockwise: {
    id: 'server.refused.reason.blockwise',
    defaultMessage: 'CoAP: too many blockwise transfers from one address',
  },
} satisfies Record<NewReason, { id: string; defaultMessage: string }>);
