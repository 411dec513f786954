import { defineMessage, FormattedMessage, useIntl } from 'react-intl';
import { type FormEvent, useId, useState } from 'react';
import type { Device } from '../../../../shared/devices.ts';
import { readReason } from '../../../../shared/event-reasons.ts';
import type { IssuedToken } from '../../../../shared/tokens.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Modal } from '../../components/Modal.tsx';
import { StationReason } from '../../components/StationReason.tsx';

type Kind = 'perDevice' | 'group';
type Protection = 'none' | 'pin' | 'password';

const expiries = [
  { value: '', title: defineMessage({ id: 'issue.expiry.never', defaultMessage: 'Never' }) },
  { value: '1d', title: defineMessage({ id: 'issue.expiry.1d', defaultMessage: '1 day' }) },
  { value: '7d', title: defineMessage({ id: 'issue.expiry.7d', defaultMessage: '7 days' }) },
  { value: '30d', title: defineMessage({ id: 'issue.expiry.30d', defaultMessage: '30 days' }) },
  { value: 'custom', title: defineMessage({ id: 'issue.expiry.custom', defaultMessage: 'Other…' }) },
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
    if (kind === 'group' && !/^\d+$/.test(uses.trim())) return { field: 'uses', message: intl.formatMessage({ id: 'issue.usesMissing', defaultMessage: 'Enter how many devices the label may provision, e.g. 50.' }) };
    if (expiry === 'custom' && !(new Date(customExpiry).getTime() > Date.now())) {
      return {
        field: 'expiry',
        message: intl.formatMessage({ id: 'issueTokens.expiry.past', defaultMessage: 'Choose a date and time in the future.' }),
      };
    }
    if (protection === 'pin' && !/^\d{4,16}$/.test(secret)) return { field: 'secret', message: intl.formatMessage({ id: 'issue.pinInvalid', defaultMessage: 'A PIN is 4 to 16 digits, nothing else.' }) };
    if (protection === 'password' && secret.length < 8) return { field: 'secret', message: intl.formatMessage({ id: 'issue.passwordShort', defaultMessage: 'A password needs at least 8 characters.' }) };
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
          if (d.state !== 'pending') result.skipped.push({ device: d.name, reason: intl.formatMessage({ id: 'issue.alreadyOnboarded', defaultMessage: 'device already onboarded' }) });
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
      announce(intl.formatMessage({ id: 'issue.announce', defaultMessage: 'Issued {count, plural, one {# token} other {# tokens}}' }, { count: result.tokens.length }));
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
    const alreadyHad = outcome.skipped.filter((s) => readReason(s.reason)?.key === 'hasActiveToken').length;
    return (
      <Modal title={intl.formatMessage({ id: 'issue.doneTitle', defaultMessage: 'Tokens issued' })} onClose={onClose}>
        <p className="issue-result" data-issued={outcome.tokens.length}>
          <Icon name="check" />
          <span>
            <strong><FormattedMessage id="issue.doneCount" defaultMessage="{count, plural, one {# token} other {# tokens}} issued" values={{ count: outcome.tokens.length }} /></strong>{' '}
            {outcome.tokens[0]?.device === null
              ? <FormattedMessage id="issue.doneGroup" defaultMessage="(a group token for {count, plural, one {# device} other {# devices}}). Print their labels next." values={{ count: outcome.tokens[0].maxUses }} />
              : <FormattedMessage id="issue.doneNext" defaultMessage="Print their labels next." />}
          </span>
        </p>
        {outcome.skipped.length > 0 && (
          <div className="skipped">
            <p>
              {alreadyHad
                ? <FormattedMessage id="issue.leftOutHad" defaultMessage="{count, number} left out ({had, number} already had an active token: revoke it, or reissue it from the Tokens tab):" values={{ count: outcome.skipped.length, had: alreadyHad }} />
                : <FormattedMessage id="issue.leftOut" defaultMessage="{count, number} left out:" values={{ count: outcome.skipped.length }} />}
            </p>
            <ul className="skipped-list">
              {outcome.skipped.slice(0, 8).map((s) => (
                <li key={s.device}>
                  <strong>{s.device}</strong>: <StationReason text={s.reason} />
                </li>
              ))}
              {outcome.skipped.length > 8 && <li className="muted"><FormattedMessage id="issue.andMore" defaultMessage="and {count, number} more" values={{ count: outcome.skipped.length - 8 }} /></li>}
            </ul>
          </div>
        )}
        <div className="form-actions">
          <button type="button" className={onPrint && outcome.tokens.length ? 'btn' : 'btn btn-primary'} onClick={onClose}>
            <FormattedMessage id="common.done" defaultMessage="Done" />
          </button>
          {onPrint && outcome.tokens.length > 0 && (
            <button type="button" className="btn btn-primary" onClick={onPrint}>
              <Icon name="printer" />
              <FormattedMessage id="issue.printThem" defaultMessage="Print their labels" />
            </button>
          )}
        </div>
      </Modal>
    );
  }

  return (
    <Modal
      title={
        subset
          ? intl.formatMessage({ id: 'issue.titleSelected', defaultMessage: 'Issue tokens for {count, plural, one {# selected device} other {# selected devices}}' }, { count: count! })
          : intl.formatMessage({ id: 'issue.title', defaultMessage: 'Issue tokens' })
      }
      onClose={onClose}
      className="modal-wide"
    >
      <form className="form-stack" onSubmit={submit} noValidate aria-label={intl.formatMessage({ id: 'issue.title', defaultMessage: 'Issue tokens' })}>
        {allowGroup && !subset && (
          <fieldset className="field choice-group">
            <legend><FormattedMessage id="issue.which" defaultMessage="Which labels" /></legend>
            <label className={`choice${kind === 'perDevice' ? ' is-checked' : ''}`}>
              <input type="radio" name={`${id}-kind`} checked={kind === 'perDevice'} onChange={() => setKind('perDevice')} />
              <span className="choice-text">
                <span className="choice-title"><FormattedMessage id="issue.perDevice" defaultMessage="One per device" /></span>
                <span className="choice-description">
<FormattedMessage id="issue.perDeviceText" defaultMessage="Every device of the batch that has not provisioned gets its own token and label; the label provisions that device only." />
                </span>
              </span>
            </label>
            <label className={`choice${kind === 'group' ? ' is-checked' : ''}`}>
              <input type="radio" name={`${id}-kind`} checked={kind === 'group'} onChange={() => setKind('group')} />
              <span className="choice-text">
                <span className="choice-title"><FormattedMessage id="issue.group" defaultMessage="One group token" /></span>
                <span className="choice-description">
<FormattedMessage id="issue.groupText" defaultMessage="One label for many devices: each device that presents it joins the batch, until the uses run out." />
                </span>
              </span>
            </label>
          </fieldset>
        )}
        {kind === 'group' && (
          <div className="field">
            <label htmlFor={`${id}-uses`}>{intl.formatMessage({ id: 'issue.uses', defaultMessage: 'Uses' })}</label>
            <input
              id={`${id}-uses`}
              inputMode="numeric"
              value={uses}
              onChange={(e) => setUses(e.target.value)}
              aria-invalid={fieldError?.field === 'uses' || undefined}
              aria-describedby={`${id}-uses-hint`}
            />
            <p className="field-hint" id={`${id}-uses-hint`}>
<FormattedMessage id="issue.usesHint" defaultMessage="How many devices this one label may provision." />
            </p>
            {errorFor('uses')}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-expiry-select`}>{intl.formatMessage({ id: 'issue.expires', defaultMessage: 'Expires' })}</label>
          <div className="input-group">
            <select id={`${id}-expiry-select`} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {expiries.map((x) => (
                <option key={x.value} value={x.value}>
                  {x.value === 'custom' ? intl.formatMessage({ id: 'issueTokens.expiry.onDate', defaultMessage: 'On a date…' }) : intl.formatMessage(x.title)}
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
          <p className="field-hint">
            <FormattedMessage id="issue.expiresHint" defaultMessage="After this, the label no longer provisions anything; devices already provisioned keep working." />
          </p>
          {errorFor('expiry')}
        </div>
        <fieldset className="field choice-group">
          <legend><FormattedMessage id="issue.protection" defaultMessage="Protection" /></legend>
          <label className={`choice${protection === 'none' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-protection`} checked={protection === 'none'} onChange={() => setProtection('none')} />
            <span className="choice-text">
              <span className="choice-title"><FormattedMessage id="issue.none" defaultMessage="None: the secret is in the QR code" /></span>
              <span className="choice-description"><FormattedMessage id="issue.noneText" defaultMessage="Quickest on site. Anyone holding the label can provision with it." /></span>
            </span>
          </label>
          <label className={`choice${protection === 'pin' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-protection`} checked={protection === 'pin'} onChange={() => setProtection('pin')} />
            <span className="choice-text">
              <span className="choice-title"><FormattedMessage id="issue.pin" defaultMessage="PIN" /></span>
              <span className="choice-description">
<FormattedMessage id="issue.pinText" defaultMessage="4 to 16 digits, typed in by whoever provisions the device; the label carries no secret. After 5 wrong PINs the token locks for a minute, then twice as long after each further 5." />
              </span>
            </span>
          </label>
          <label className={`choice${protection === 'password' ? ' is-checked' : ''}`}>
            <input type="radio" name={`${id}-protection`} checked={protection === 'password'} onChange={() => setProtection('password')} />
            <span className="choice-text">
              <span className="choice-title"><FormattedMessage id="issue.password" defaultMessage="Password" /></span>
              <span className="choice-description">
                <FormattedMessage id="issue.passwordText" defaultMessage="At least 8 characters, same rules as a PIN, for devices with a keyboard or an app." />
              </span>
            </span>
          </label>
          {protection !== 'none' && (
            <div className="field nested-field">
              <label htmlFor={`${id}-secret`}>
                {protection === 'pin' ? <FormattedMessage id="issue.pin" defaultMessage="PIN" /> : <FormattedMessage id="issue.password" defaultMessage="Password" />}
              </label>
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
                {protection === 'pin'
                  ? <FormattedMessage id="issue.samePin" defaultMessage="The same PIN for every token issued now. Keep it off the label." />
                  : <FormattedMessage id="issue.samePassword" defaultMessage="The same password for every token issued now. Keep it off the label." />}
              </p>
              {errorFor('secret')}
            </div>
          )}
        </fieldset>
        {error && <ErrorNotice error={error} />}
        {busy && busy.total > 1 && (
          <progress className="load-progress" aria-label={intl.formatMessage({ id: 'issue.issuing', defaultMessage: 'Issuing tokens' })} max={busy.total} value={busy.done} />
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy !== null}>
            {busy
              ? intl.formatMessage({ id: 'issue.busy', defaultMessage: 'Issuing…' })
              : kind === 'group'
                ? intl.formatMessage({ id: 'issue.submitGroup', defaultMessage: 'Issue group token' })
                : subset
                  ? intl.formatMessage({ id: 'issue.submitCount', defaultMessage: 'Issue {count, plural, one {# token} other {# tokens}}' }, { count: count! })
                  : intl.formatMessage({ id: 'issue.submitPerDevice', defaultMessage: 'Issue a token per device' })}
          </button>
        </div>
      </form>
    </Modal>
  );
}
