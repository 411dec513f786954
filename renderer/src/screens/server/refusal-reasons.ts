import { defineMessages } from 'react-intl';

/** Refusal reasons added with the per-protocol limits (shared/station.ts RefusalReason), as the Refused panel names them. */
export type NewReason = 'idle' | 'slow-request' | 'blockwise';

export const newReasonMessages = defineMessages({
  idle: {
    id: 'server.refused.reason.idle',
    defaultMessage: 'silent past its keep-alive, or no CONNECT in time',
  },
  'slow-request': {
    id: 'server.refused.reason.slowRequest',
    defaultMessage: 'request too slow (header or body timeout)',
  },
  blockwise: {
    id: 'server.refused.reason.blockwise',
    defaultMessage: 'too many blockwise transfers from one address',
  },
} satisfies Record<NewReason, { id: string; defaultMessage: string }>);
