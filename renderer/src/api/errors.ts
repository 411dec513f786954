import { ApiError } from '../../../shared/errors.ts';
import { getIntl } from '../i18n/intl.ts';
import { StationUnreachableError } from './client.ts';

/** An error as a technician reads it: what happened, and what to do next. */
export interface Explained {
  message: string;
  next: string | null;
  code: ApiError['code'] | 'unknown';
}

const sentence = (text: string) => {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
};

/**
 * The station's own messages stay English (the API is for scripts too, and its codes are what tests assert); the
 * UI's framing and next steps are in the technician's language.
 */
export function explain(err: unknown): Explained {
  const intl = getIntl();
  if (err instanceof StationUnreachableError) {
    return {
      message: intl.formatMessage({ id: 'error.unreachable', defaultMessage: 'The station is not answering.' }),
      next: intl.formatMessage({
        id: 'error.unreachableNext',
        defaultMessage: 'Check that the station is still running (the `fieldstation serve` window or the desktop app), then try again.',
      }),
      code: 'internal',
    };
  }
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'unauthorized':
        return {
          message: intl.formatMessage({ id: 'error.unauthorized', defaultMessage: 'Not signed in.' }),
          next: intl.formatMessage({
            id: 'error.unauthorizedNext',
            defaultMessage: 'Open the link the station printed when it started (it ends in ?token=…). If the station was restarted, use its new link.',
          }),
          code: err.code,
        };
      case 'forbidden':
        return { message: sentence(err.message), next: intl.formatMessage({
            id: 'error.forbiddenNext',
            defaultMessage: 'Open the UI from the link the station printed, not from another page.',
          }), code: err.code };
      case 'invalid_params':
        return { message: sentence(err.message), next: intl.formatMessage({ id: 'error.invalidNext', defaultMessage: 'Correct the highlighted fields and try again.' }), code: err.code };
      case 'conflict':
      case 'not_found':
      case 'bad_request':
        return { message: sentence(err.message), next: null, code: err.code };
      case 'payload_too_large':
        return {
          message: intl.formatMessage({ id: 'error.tooLarge', defaultMessage: 'That is too much to send at once.' }),
          next: intl.formatMessage({ id: 'error.tooLargeNext', defaultMessage: 'Split it into smaller parts.' }),
          code: err.code,
        };
      default:
        return {
          message: intl.formatMessage(
            { id: 'error.internal', defaultMessage: 'The station ran into a problem: {reason}' },
            { reason: sentence(err.message) },
          ),
          next: intl.formatMessage({
            id: 'error.internalNext',
            defaultMessage: 'Check the station’s log (the terminal where it runs), then try again.',
          }),
          code: err.code,
        };
    }
  }
  return { message: sentence(err instanceof Error ? err.message : String(err)), next: null, code: 'unknown' };
}
