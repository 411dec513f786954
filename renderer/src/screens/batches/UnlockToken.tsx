import { type FormEvent, useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { TokenView } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';

/**
 * A token locked after wrong secrets, opened by the person who has its PIN (or password, or the printed secret):
 * typing it here proves it, so the lock and its growing wait start over. A wrong one leaves it locked.
 */
export function UnlockToken({ token }: { token: TokenView }) {
  const { api } = useStation();
  const intl = useIntl();
  const id = useId();
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const what = token.protection;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api['tokens.unlock']({ id: token.id, secret });
      setSecret('');
      announce(intl.formatMessage({ id: 'tokens.unlock.done', defaultMessage: 'Token {code} unlocked' }, { code: token.shortCode }));
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="unlock-token" onSubmit={submit} aria-label={intl.formatMessage({ id: 'tokens.unlock.form', defaultMessage: 'Unlock token' })}>
      <p>
        <FormattedMessage
          id="tokens.unlock.why"
          defaultMessage="Locked after {count, plural, one {a wrong secret} other {wrong secrets}}. If you have its {what, select, pin {PIN} password {password} other {label’s secret}}, unlock it now instead of waiting."
          values={{ count: Math.max(token.failedAttempts, 1), what }}
        />
      </p>
      <div className="field-row">
        <label htmlFor={`${id}-secret`}>
          <FormattedMessage id="tokens.unlock.label" defaultMessage="{what, select, pin {PIN} password {Password} other {Secret}}" values={{ what }} />
        </label>
        <input
          id={`${id}-secret`}
          type="password"
          inputMode={what === 'pin' ? 'numeric' : undefined}
          autoComplete="off"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={busy || secret === ''}>
          <FormattedMessage id="tokens.unlock.submit" defaultMessage="Unlock" />
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
    </form>
  );
}
