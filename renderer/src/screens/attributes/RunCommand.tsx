import { FormattedMessage, useIntl } from 'react-intl';
import { getIntl } from '../../i18n/intl.ts';
import { type FormEvent, useId, useState } from 'react';
import { rpcMaxTimeoutMs } from '../../../../shared/attributes.ts';
import { ApiError } from '../../../../shared/errors.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';

// Commands firmware commonly answers; the technician may type any other.
const suggestions = ['blink', 'reboot', 'selfTest', 'getFirmwareVersion'];
const maxSeconds = rpcMaxTimeoutMs / 1000;

type Outcome = { ok: true; method: string; id: number; response: unknown } | { ok: false; error: Explained };

/** The station's words for an RPC that got no answer: it never reached the device, or the device kept quiet. */
function explainRpc(err: unknown, device: string, seconds: number): Explained {
  const intl = getIntl();
  if (err instanceof ApiError && err.code === 'timeout') {
    const why = (err.details as { error?: string } | undefined)?.error;
    if (why === 'NO_ACTIVE_CONNECTION') {
      return {
        message: intl.formatMessage({ id: 'rpc.notConnected', defaultMessage: '{device} is not connected: nothing was listening for commands within {seconds, number} s.' }, { device, seconds }),
        next: intl.formatMessage({ id: 'rpc.notConnectedNext', defaultMessage: 'Power the device on and check that it is online (its firmware must subscribe to RPC requests), then run the command again.' }),
        code: err.code,
      };
    }
    return {
      message: intl.formatMessage({ id: 'rpc.noAnswer', defaultMessage: '{device} received the command but did not answer within {seconds, number} s.' }, { device, seconds }),
      next: intl.formatMessage({ id: 'rpc.noAnswerNext', defaultMessage: 'Check that its firmware knows this command, or allow it more time.' }),
      code: err.code,
    };
  }
  return explain(err);
}

/** Two-way server-side RPC from the drawer: a method, its params as JSON, and how long to wait for the answer. */
export function RunCommand({ device }: { device: string }) {
  const { api } = useStation();
  const id = useId();
  const [method, setMethod] = useState('');
  const [params, setParams] = useState('{}');
  const [seconds, setSeconds] = useState('10');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const intl = useIntl();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!method.trim()) found.method = intl.formatMessage({ id: 'rpc.methodMissing', defaultMessage: 'Name the command, e.g. blink.' });
    let parsedParams: unknown = {};
    if (params.trim()) {
      try {
        parsedParams = JSON.parse(params);
      } catch {
        found.params = intl.formatMessage({ id: 'rpc.paramsInvalid', defaultMessage: 'This is not valid JSON. Write e.g. \'{}\' or \'{\'"times": 3\'}\'.' });
      }
    }
    const timeout = Number(seconds);
    if (!/^\d+(\.\d+)?$/.test(seconds.trim()) || timeout < 0.1 || timeout > maxSeconds) {
      found.seconds = intl.formatMessage({ id: 'rpc.secondsRange', defaultMessage: 'Between {min, number} and {max, number} seconds.' }, { min: 0.1, max: maxSeconds });
    }
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const result = await api['rpc.send']({ device, method: method.trim(), params: parsedParams, timeoutMs: Math.round(timeout * 1000) });
      setOutcome({ ok: true, method: method.trim(), ...result });
      announce(intl.formatMessage({ id: 'rpc.answered', defaultMessage: '{device} answered {method}' }, { device, method: method.trim() }));
    } catch (err) {
      setOutcome({ ok: false, error: explainRpc(err, device, timeout) });
    } finally {
      setBusy(false);
    }
  };

  const fieldProps = (field: string) => ({
    id: `${id}-${field}`,
    'aria-invalid': problems[field] ? true : undefined,
    'aria-describedby': problems[field] ? `${id}-${field}-error` : undefined,
    autoComplete: 'off',
    spellCheck: false,
  });
  const errorOf = (field: string) =>
    problems[field] ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        <Icon name="alert" size={14} />
        {problems[field]}
      </p>
    ) : null;

  return (
    <form className="run-command" onSubmit={submit} noValidate aria-label={intl.formatMessage({ id: 'rpc.form', defaultMessage: 'Run a command on {device}' }, { device })}>
      <div className="run-command-fields">
        <div className="field">
          <label htmlFor={`${id}-method`}>{intl.formatMessage({ id: 'rpc.method', defaultMessage: 'Command' })}</label>
          <input {...fieldProps('method')} list={`${id}-suggestions`} value={method} onChange={(e) => setMethod(e.target.value)} placeholder="blink" />
          <datalist id={`${id}-suggestions`}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          {errorOf('method')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-seconds`}>{intl.formatMessage({ id: 'rpc.seconds', defaultMessage: 'Wait (seconds)' })}</label>
          <input {...fieldProps('seconds')} inputMode="decimal" value={seconds} onChange={(e) => setSeconds(e.target.value)} />
          {errorOf('seconds')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-params`}>{intl.formatMessage({ id: 'rpc.params', defaultMessage: 'Parameters (JSON)' })}</label>
        <textarea {...fieldProps('params')} className="mono" rows={2} value={params} onChange={(e) => setParams(e.target.value)} />
        {errorOf('params')}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          <Icon name="play" />
          {busy ? intl.formatMessage({ id: 'rpc.waiting', defaultMessage: 'Waiting up to {seconds} s…' }, { seconds }) : intl.formatMessage({ id: 'rpc.run', defaultMessage: 'Run command' })}
        </button>
      </div>
      <div className="run-command-result" aria-live="polite">
        {outcome?.ok === true && (
          <div className="notice notice-success" data-rpc-outcome="answered">
            <Icon name="check" size={18} />
            <div className="notice-body">
              <strong>
<FormattedMessage id="rpc.answer" defaultMessage="Answer to {method} (request {id}):" values={{ method: outcome.method, id: outcome.id }} />
              </strong>
              <pre className="mono wrap rpc-answer">{typeof outcome.response === 'string' ? outcome.response : JSON.stringify(outcome.response, null, 2)}</pre>
            </div>
          </div>
        )}
        {outcome?.ok === false && (
          <div data-rpc-outcome={outcome.error.code}>
            <ErrorNotice error={outcome.error} />
          </div>
        )}
      </div>
    </form>
  );
}
