import { FormattedMessage } from 'react-intl';
import type { Explained } from '../api/errors.ts';
import { Icon } from './Icon.tsx';

/** A problem and the next step, in words: the only way errors reach the technician. */
export function ErrorNotice({ error, onRetry, retryLabel }: { error: Explained; onRetry?: () => void; retryLabel?: string }) {
  return (
    <div role="alert" className="notice notice-error">
      <Icon name="alert" size={18} />
      <div className="notice-body">
        <strong>{error.message}</strong>
        {error.next && <span> {error.next}</span>}
      </div>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          {retryLabel ?? <FormattedMessage id="common.tryAgain" defaultMessage="Try again" />}
        </button>
      )}
    </div>
  );
}
