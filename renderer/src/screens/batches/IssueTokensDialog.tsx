import { useIntl } from 'react-intl';
import { type FormEvent, useId, useState } from 'react';
import type { Device } from '../../../../shared/devices.ts';
import type { IssuedToken } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Modal } from '../../components/Modal.tsx';
import { formatCount } from '../../components/time.tsx';

type Kind = 'perDevice' | 'group';
type Protection = 'none' | 'pin' | 'password';

const expiries = [
  { value: '', title: 'Never' },
  { value: '1d', title: '1 day' },
  { value: '7d', title: '7 days' },
  { value: '30d', title: '30 days' },
  { value: 'custom', title: 'Other…' },
] as const;

/** 30 days ahead at 18:00: the end of a working day, a month of site visits away. */
function defaultExpiry(now: Date): Date {
  const at = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 30, 18, 0);
  return at;
}

/** A Date as `<input type="datetime-local">` wants it: local time, to the minute. */
function localDateTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
}

export interface IssueOutcome {
  tokens: IssuedToken[];
  skipped: { device: string; reason: string }[];
}

/**
 * Issues onboarding tokens: one per device (each label provisions its own device) or one group token (one label
 * provisions up to N devices). `devices`: the selected rows, or 'all' for the whole batch; `wholeBatch` says the
 * selection is the whole batch (one request then covers it).
 */
export function IssueTokensDialog({
  batch,
  devices,
  onClose,
  onIssued,
  allowGroup = false,
  wholeBatch = false,
  onPrint,
}: {
  batch: string;
  devices: 'all' | readonly Device[];
  wholeBatch?: boolean;
  /** Offered once the tokens exist: their labels are the next step. */
  onPrint?: () => void;
  onClose: () => void;
  onIssued?: (outcome: IssueOutcome) => void;
  allowGroup?: boolean;
}) {
  const { api } = useStation();
  const id = useId();
  const [kind, setKind] = useState<Kind>('perDevice');
  const [uses, setUses] = useState('10');
  const [expiry, setExpiry] = useState<string>('');
  // A real date and time (the browser's picker), never in the past: 30 days from now at 18:00 to start from.
  const [customExpiry, setCustomExpiry] = useState(() => localDateTime(defaultExpiry(new Date())));
  const intl = useIntl();
  const [protection, setProtection] = useState<Protection>('none');
  const [secret, setSecret] = useState('');
  const [fieldError, setFieldError] = useState<{ field: 'uses' | 'expiry' | 'secret'; message: string } | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState<{ done: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<IssueOutcome | null>(null);

  const subset = devices !== 'all';
  const count = subset ? devices.length : null;
  const oneRequest = !subset || wholeBatch;

  const check = (): typeof fieldError => {
    if (kind === 'group' && !/^\d+$/.test(uses.trim())) return { field: 'uses', message: 'Enter how many devices the label may provision, e.g. 50.' };
    if (expiry === 'custom' && !(new Date(customExpiry).getTime() > Date.now())) {
      return {
        field: 'expiry',
        message: intl.formatMessage({ id: 'issueTokens.expiry.past', defaultMessage: 'Choose a date and time in the future.' }),
      };
    }
    if (protection === 'pin' && !/^\d{4,16}$/.test(secret)) return { field: 'secret', message: 'A PIN is 4 to 16 digits, nothing else.' };
    if (protection === 'password' && secret.length < 8) return { field: 'secret', message: 'A password needs at least 8 characters.' };
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const problem = check();
    setFieldError(problem);
    if (problem) {
      document.getElementById(`${id}-${problem.field}`)?.focus();
      return;
    }
    const common = {
      batch,
      // datetime-local is the station's local time; the API takes an ISO-8601 instant.
      ...(expiry === '' ? {} : { expires: expiry === 'custom' ? new Date(customExpiry).toISOString() : expiry }),
      ...(protection === 'pin' ? { pin: secret } : protection === 'password' ? { password: secret } : {}),
    };
    try {
      let result: IssueOutcome;
      if (kind === 'group') {
        setBusy({ done: 0, total: 1 });
        result = await api['tokens.issue']({ ...common, uses: Number(uses) });
      } else if (oneRequest) {
        setBusy({ done: 0, total: 1 });
        result = await api['tokens.issue']({ ...common, perDevice: true });
      } else {
        // One call per device: the station refuses a provisioned device or one that has a token, so those are
        // left out here with the station's own reasons, and the calls that are made all succeed.
        result = { tokens: [], skipped: [] };
        const todo: Device[] = [];
        for (const d of devices as readonly Device[]) {
          if (d.state !== 'pending') result.skipped.push({ device: d.name, reason: 'device already onboarded' });
          else todo.push(d);
        }
        setBusy({ done: 0, total: todo.length });
        let done = 0;
        const worker = async () => {
          for (let d = todo.shift(); d; d = todo.shift()) {
            try {
              const r = await api['tokens.issue']({ ...common, device: d.name });
              result.tokens.push(...r.tokens);
              result.skipped.push(...r.skipped);
            } catch (err) {
              result.skipped.push({ device: d.name, reason: explain(err).message });
            }
            setBusy({ done: ++done, total: done + todo.length });
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
      }
      setOutcome(result);
      announce(`Issued ${result.tokens.length} tokens`);
      onIssued?.(result);
    } catch (err) {
      const explained = explain(err);
      if (explained.code === 'invalid_params' && /expir|duration|date/i.test(explained.message)) setFieldError({ field: 'expiry', message: explained.message });
      else if (explained.code === 'invalid_params' && /PIN|password/i.test(explained.message)) setFieldError({ field: 'secret', message: explained.message });
      else setError(explained);
    } finally {
      setBusy(null);
    }
  };

  const errorFor = (field: 'uses' | 'expiry' | 'secret') =>
    fieldError?.field === field ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        <Icon name="alert" size={14} />
        {fieldError.message}
      </p>
    ) : null;

  if (outcome) {
    const alreadyHad = outcome.skipped.filter((s) => /active token/.test(s.reason)).length;
    return (
      <Modal title="Tokens issued" onClose={onClose}>
        <p className="issue-result" data-issued={outcome.tokens.length}>
          <Icon name="check" />
          <span>
            <strong>
              {formatCount(outcome.tokens.length)} {outcome.tokens.length === 1 ? 'token' : 'tokens'} issued
            </strong>
            {outcome.tokens[0]?.device === null ? ` (a group token for ${formatCount(outcome.tokens[0].maxUses)} devices)` : ''}. Print
            their labels next.
          </span>
        </p>
        {outcome.skipped.length > 0 && (
          <div className="skipped">
            <p>
              {formatCount(outcome.skipped.length)} left out
              {alreadyHad ? ` (${formatCount(alreadyHad)} already had an active token: revoke it, or reissue it from the Tokens tab)` : ''}:
            </p>
            <ul className="skipped-list">
              {outcome.skipped.slice(0, 8).map((s) => (
                <li key={s.device}>
                  <strong>{s.device}</strong>: {s.reason}
                </li>
              ))}
              {outcome.skipped.length > 8 && <li className="muted">and {formatCount(outcome.skipped.length - 8)} more</li>}
            </ul>
          </div>
        )}
        <div className="form-actions">
          <button type="button" className={onPrint && outcome.tokens.length ? 'btn' : 'btn btn-primary'} onClick={onClose}>
            Done
          </button>
          {onPrint && outcome.tokens.length > 0 && (
            <button type="button" className="btn btn-primary" onClick={onPrint}>
              <Icon name="printer" />
              Print their labels
            </button>
          )}
        </div>
      </Modal>
    );
  }

  return (
    <Modal title={subset ? `Issue tokens for ${formatCount(count!)} selected devices` : 'Issue tokens'} onClose={onClose} className="modal-wide">
      <form className="form-stack" onSubmit={submit} noValidate aria-label="Issue tokens">
        {allowGroup && !subset && (
          <fieldset className="field choice-group">
            <legend>Which labels</legend>
            <label className={`choice${kind === 'perDevice' ? ' is-checked' : ''}`}>
              <input type="radio" name={`${id}-kind`} checked={kind === 'perDevice'} onChange={() => setKind('perDevice')} />
              <span className="choice-text">
                <span className="choice-title">One per device</span>
                <span className="choice-description">
                  Every device of the batch that has not provisioned gets its own token and label; the label provisions that
                  device only.
                </span>
              </span>
            </label>
            <label className={`choice${kind === 'group' ? ' is-checked' : ''}`}>
              <input type="radio" name={`${id}-kind`} checked={kind === 'group'} onChange={() => setKind('group')} />
              <span className="choice-text">
                <span className="choice-title">One group token</span>
                <span className="choice-description">
                  One label for many devices: each device that presents it joins the batch, until the uses run out.
                </span>
              </span>
            </label>
          </fieldset>
        )}
        {kind === 'group' && (
          <div className="field">
            <label htmlFor={`${id}-uses`}>Uses</label>
            <input
              id={`${id}-uses`}
              inputMode="numeric"
              value={uses}
              onChange={(e) => setUses(e.target.value)}
              aria-invalid={fieldError?.field === 'uses' || undefined}
              aria-describedby={`${id}-uses-hint`}
            />
            <p className="field-hint" id={`${id}-uses-hint`}>
              How many devices this one label may provision.
            </p>
            {errorFor('uses')}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-expiry-select`}>Expires</label>
          <div className="input-group">
            <select id={`${id}-expiry-select`} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {expiries.map((x) => (
                <option key={x.value} value={x.value}>
                  {x.value === 'custom' ? intl.formatMessage({ id: 'issueTokens.expiry.onDate', defaultMessage: 'On a date…' }) : x.title}
                </option>
              ))}
            </select>
            {expiry === 'custom' && (
              <input
                id={`${id}-expiry`}
                type="datetime-local"
                aria-label={intl.formatMessage({ id: 'issueTokens.expiry.date', defaultMessage: 'Expires on' })}
                min={localDateTime(new Date())}
                required
                value={customExpiry}
                onChange={(e) => setCustomExpiry(e.target.value)}
                aria-invalid={fieldError?.field === 'expiry' || undefined}
              />
            )}
          </div>
          <p className="field-hint">After this, the label no longer provisions anything; devices already provisioned keep working.</p>
          {errorFor('expiry')}
        </div>
        <fieldset className="field choice-group">
          <legend>Protection</legend>
          <label className={`choice${protection === 'none' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-protection`} checked={protection === 'none'} onChange={() => setProtection('none')} />
            <span className="choice-text">
              <span className="choice-title">None: the secret is in the QR code</span>
              <span className="choice-description">Quickest on site. Anyone holding the label can provision with it.</span>
            </span>
          </label>
          <label className={`choice${protection === 'pin' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-protection`} checked={protection === 'pin'} onChange={() => setProtection('pin')} />
            <span className="choice-text">
              <span className="choice-title">PIN</span>
              <span className="choice-description">
                4 to 16 digits, typed in by whoever provisions the device; the label carries no secret. After 5 wrong PINs the
                token locks for a minute, then twice as long after each further 5.
              </span>
            </span>
          </label>
          <label className={`choice${protection === 'password' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-protection`} checked={protection === 'password'} onChange={() => setProtection('password')} />
            <span className="choice-text">
              <span className="choice-title">Password</span>
              <span className="choice-description">At least 8 characters, same rules as a PIN, for devices with a keyboard or an app.</span>
            </span>
          </label>
          {protection !== 'none' && (
            <div className="field nested-field">
              <label htmlFor={`${id}-secret`}>{protection === 'pin' ? 'PIN' : 'Password'}</label>
              <input
                id={`${id}-secret`}
                className="mono"
                inputMode={protection === 'pin' ? 'numeric' : undefined}
                autoComplete="off"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                aria-invalid={fieldError?.field === 'secret' || undefined}
                aria-describedby={`${id}-secret-hint`}
              />
              <p className="field-hint" id={`${id}-secret-hint`}>
                The same {protection === 'pin' ? 'PIN' : 'password'} for every token issued now. Keep it off the label.
              </p>
              {errorFor('secret')}
            </div>
          )}
        </fieldset>
        {error && <ErrorNotice error={error} />}
        {busy && busy.total > 1 && (
          <progress className="load-progress" aria-label="Issuing tokens" max={busy.total} value={busy.done} />
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy !== null}>
            {busy
              ? 'Issuing…'
              : kind === 'group'
                ? 'Issue group token'
                : subset
                  ? `Issue ${formatCount(count!)} ${count === 1 ? 'token' : 'tokens'}`
                  : 'Issue a token per device'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
