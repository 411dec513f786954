import { FormattedMessage, type IntlShape, useIntl } from 'react-intl';
import { type FormEvent, useId, useState } from 'react';
import { durationText, parseDuration } from '../../../../shared/durations.ts';
import { defaultInactivityTimeoutMs, type Profile, type ProfileUsage } from '../../../../shared/profiles.ts';
import type { CredentialsType, ProvisionStrategy, ReprovisionPolicy } from '../../../../shared/provisioning.ts';
import { useDraft } from '../../app/drafts.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { ChoiceGroup } from '../../components/ChoiceGroup.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import { formatSpan } from '../../components/time.tsx';
import { credentialTypes, inWords, reprovisionPolicies, strategies } from './explain.ts';
import { SecretChangeDialog } from './SecretChangeDialog.tsx';
import { SecretField } from './SecretField.tsx';
import { TryIt } from './TryIt.tsx';

interface Values {
  name: string;
  provisionDeviceKey: string;
  provisionDeviceSecret: string;
  strategy: ProvisionStrategy;
  defaultCredentialsType: CredentialsType;
  reprovision: ReprovisionPolicy;
  /** As typed: `10m`, `90s` (shared/durations.ts). */
  inactivityTimeout: string;
}
type Field = keyof Values;
type FieldErrors = Partial<Record<Field, string>>;

const fields: readonly Field[] = [
  'name',
  'provisionDeviceKey',
  'provisionDeviceSecret',
  'strategy',
  'defaultCredentialsType',
  'reprovision',
  'inactivityTimeout',
];

function initial(profile: Profile | null): Values {
  if (profile) {
    const { name, provisionDeviceKey, provisionDeviceSecret, strategy, defaultCredentialsType, reprovision } = profile;
    const inactivityTimeout = durationText(profile.inactivityTimeoutMs);
    return { name, provisionDeviceKey, provisionDeviceSecret, strategy, defaultCredentialsType, reprovision, inactivityTimeout };
  }
  return {
    name: '',
    provisionDeviceKey: '',
    provisionDeviceSecret: '',
    strategy: 'allow-create',
    defaultCredentialsType: 'ACCESS_TOKEN',
    reprovision: 'deny',
    inactivityTimeout: durationText(defaultInactivityTimeoutMs),
  };
}

// Same limits as shared/profiles.ts, checked here so the technician hears of them before the round trip.
function check(v: Values, intl: IntlShape): FieldErrors {
  const errors: FieldErrors = {};
  if (!v.name.trim()) errors.name = intl.formatMessage({ id: 'profiles.nameMissing', defaultMessage: 'Give the profile a name.' });
  else if (v.name.length > 255) errors.name = intl.formatMessage({ id: 'profiles.tooLong', defaultMessage: 'At most {max, number} characters.' }, { max: 255 });
  for (const f of ['provisionDeviceKey', 'provisionDeviceSecret'] as const) {
    if (!v[f]) {
      errors[f] =
        f === 'provisionDeviceKey'
          ? intl.formatMessage({ id: 'profiles.keyMissing', defaultMessage: 'Enter a key, or press Generate.' })
          : intl.formatMessage({ id: 'profiles.secretMissing', defaultMessage: 'Enter a secret, or press Generate.' });
    } else if (v[f].length > 255) {
      errors[f] = intl.formatMessage({ id: 'profiles.secretLong', defaultMessage: 'At most {max, number} characters (device firmware keeps these in small buffers).' }, { max: 255 });
    }
  }
  const timeout = parseDuration(v.inactivityTimeout);
  if (!timeout.ok) errors.inactivityTimeout = intl.formatMessage({ id: 'profiles.timeoutInvalid', defaultMessage: 'Enter a time like 10m, 90s or 2h.' });
  else if (timeout.ms < 1000) errors.inactivityTimeout = intl.formatMessage({ id: 'profiles.timeoutShort', defaultMessage: 'At least 1 second.' });
  return errors;
}

/** Puts the station's answer next to the field it is about. */
function fieldErrorsOf(err: unknown, explained: Explained): FieldErrors {
  const out: FieldErrors = {};
  const details = (err as { details?: unknown }).details;
  if (Array.isArray(details)) {
    for (const issue of details as { path?: unknown[]; message?: string }[]) {
      // The API counts milliseconds; the form shows a duration.
      const field = issue.path?.[0] === 'inactivityTimeoutMs' ? 'inactivityTimeout' : issue.path?.[0];
      if (typeof field === 'string' && (fields as string[]).includes(field) && issue.message) {
        out[field as Field] = issue.message[0]!.toUpperCase() + issue.message.slice(1);
      }
    }
  }
  if (explained.code === 'conflict') {
    if (/provision key/i.test(explained.message)) out.provisionDeviceKey = explained.message;
    else if (/named/i.test(explained.message)) out.name = explained.message;
  }
  return out;
}

export function ProfileForm({
  profile,
  onSaved,
  onCancel,
  onRemove,
}: {
  profile: Profile | null;
  onSaved: (saved: Profile, before: Profile | null) => void;
  onCancel?: () => void;
  onRemove?: () => void;
}) {
  const { api } = useStation();
  const original = initial(profile);
  const differs = (v: Values) => fields.some((f) => v[f] !== original[f]);
  // Unsaved edits stay when the technician opens another profile or screen, and come back here (drafts.ts).
  const [values, setValues, discardDraft] = useDraft<Values>(`profile:${profile?.id ?? 'new'}`, () => initial(profile), { keep: differs });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<{ usage: ProfileUsage; what: 'key' | 'secret' | 'both' } | null>(null);
  const id = useId();
  const intl = useIntl();
  const dirty = differs(values);

  const set = <F extends Field>(field: F, value: Values[F]) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = check(values, intl);
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length) {
      document.getElementById(`${id}-${Object.keys(local)[0]}`)?.focus();
      return;
    }
    const keyChanged = profile !== null && values.provisionDeviceKey !== profile.provisionDeviceKey;
    const secretChanged = profile !== null && values.provisionDeviceSecret !== profile.provisionDeviceSecret;
    if (keyChanged || secretChanged) {
      // Devices carry the pair in their firmware: say what the change costs before it is made.
      try {
        const usage = await api['profiles.usage']({ profile: profile!.name });
        if (usage.devices > 0) {
          setConfirming({ usage, what: keyChanged && secretChanged ? 'both' : keyChanged ? 'key' : 'secret' });
          return;
        }
      } catch (err) {
        setFormError(explain(err));
        return;
      }
    }
    await save();
  };

  const save = async () => {
    setConfirming(null);
    setBusy(true);
    try {
      const { inactivityTimeout, ...rest } = values;
      const timeout = parseDuration(inactivityTimeout);
      const input = { ...rest, name: values.name.trim(), inactivityTimeoutMs: timeout.ok ? timeout.ms : undefined };
      const saved = profile ? await api['profiles.update']({ profile: profile.name, ...input }) : await api['profiles.add'](input);
      discardDraft();
      onSaved(saved, profile);
    } catch (err) {
      const explained = explain(err);
      const byField = fieldErrorsOf(err, explained);
      setErrors(byField);
      // Shown once: beside its field when it has one, above the buttons otherwise.
      setFormError(Object.keys(byField).length ? null : explained);
      const first = Object.keys(byField)[0];
      if (first) document.getElementById(`${id}-${first}`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  const fieldProps = (field: Field) => ({
    id: `${id}-${field}`,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': `${id}-${field}-hint${errors[field] ? ` ${id}-${field}-error` : ''}`,
  });
  const errorFor = (field: Field) =>
    errors[field] ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        <Icon name="alert" size={14} />
        {errors[field]}
      </p>
    ) : null;

  return (
    <form className="card profile-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 id={`${id}-title`}>
          {profile ? intl.formatMessage({ id: 'profiles.edit', defaultMessage: 'Edit “{name}”' }, { name: profile.name }) : intl.formatMessage({ id: 'profiles.new', defaultMessage: 'New profile' })}
        </h2>
        {profile && dirty && <span className="badge badge-warning"><FormattedMessage id="attributes.unsaved" defaultMessage="Unsaved changes" /></span>}
      </div>

      <div className="field">
        <label htmlFor={`${id}-name`}>{intl.formatMessage({ id: 'profiles.name', defaultMessage: 'Name' })}</label>
        <input {...fieldProps('name')} value={values.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" />
        <p className="field-hint" id={`${id}-name-hint`}>
<FormattedMessage id="profiles.nameHint" defaultMessage="Devices created by this profile get it as their type, as in ThingsBoard." />
        </p>
        {errorFor('name')}
      </div>

      <SecretField
        label={intl.formatMessage({ id: 'profiles.key', defaultMessage: 'Provision key' })}
        hint={intl.formatMessage({ id: 'profiles.keyHint', defaultMessage: 'Devices send this to pick the profile. Unique across profiles.' })}
        value={values.provisionDeviceKey}
        onChange={(v) => set('provisionDeviceKey', v)}
        props={fieldProps('provisionDeviceKey')}
        error={errorFor('provisionDeviceKey')}
      />
      <SecretField
        label={intl.formatMessage({ id: 'profiles.secret', defaultMessage: 'Provision secret' })}
        hint={intl.formatMessage({ id: 'profiles.secretHint', defaultMessage: 'Devices send this with the key to prove they belong to your fleet.' })}
        value={values.provisionDeviceSecret}
        onChange={(v) => set('provisionDeviceSecret', v)}
        props={fieldProps('provisionDeviceSecret')}
        error={errorFor('provisionDeviceSecret')}
      />

      <ChoiceGroup
        legend={intl.formatMessage({ id: 'profiles.who', defaultMessage: 'Who may provision' })}
        name={`${id}-strategy`}
        choices={inWords(strategies, intl)}
        value={values.strategy}
        onChange={(v) => set('strategy', v)}
      >
        <p className="field-hint" id={`${id}-strategy-hint`}>
<FormattedMessage id="profiles.whoHint" defaultMessage="What happens when a device presents this key and secret." />
        </p>
      </ChoiceGroup>

      <div className="field">
        <label htmlFor={`${id}-defaultCredentialsType`}>{intl.formatMessage({ id: 'profiles.defaultCredentials', defaultMessage: 'Default credentials' })}</label>
        <select
          {...fieldProps('defaultCredentialsType')}
          value={values.defaultCredentialsType}
          onChange={(e) => set('defaultCredentialsType', e.target.value as CredentialsType)}
        >
          {credentialTypes.map((c) => (
            <option key={c.value} value={c.value}>
              {intl.formatMessage(c.title)}
            </option>
          ))}
        </select>
        <p className="field-hint" id={`${id}-defaultCredentialsType-hint`}>
          <FormattedMessage id="profiles.credentialsHint" defaultMessage="Given to devices you add or import without credentials of their own. {what} A device that provisions itself may still ask for another type." values={{ what: intl.formatMessage(credentialTypes.find((c) => c.value === values.defaultCredentialsType)!.text) }} />
        </p>
      </div>

      <ChoiceGroup
        legend={intl.formatMessage({ id: 'profiles.again', defaultMessage: 'When a provisioned device asks again' })}
        name={`${id}-reprovision`}
        choices={inWords(reprovisionPolicies, intl)}
        value={values.reprovision}
        onChange={(v) => set('reprovision', v)}
      />

      <div className="field">
        <label htmlFor={`${id}-inactivityTimeout`}>{intl.formatMessage({ id: 'profiles.offlineAfter', defaultMessage: 'Offline after' })}</label>
        <input
          {...fieldProps('inactivityTimeout')}
          value={values.inactivityTimeout}
          onChange={(e) => set('inactivityTimeout', e.target.value)}
          autoComplete="off"
          inputMode="text"
        />
        <p className="field-hint" id={`${id}-inactivityTimeout-hint`}>
          {(() => {
            const parsed = parseDuration(values.inactivityTimeout);
            return parsed.ok
              ? intl.formatMessage({ id: 'profiles.offlineHintSpan', defaultMessage: '{span} of silence makes a device that sends over HTTP or CoAP show as offline (ThingsBoard’s inactivity timeout; 10m by default). An MQTT device is offline as soon as its connection ends.' }, { span: formatSpan(parsed.ms) })
              : intl.formatMessage({ id: 'profiles.offlineHint', defaultMessage: 'Silence makes a device that sends over HTTP or CoAP show as offline (ThingsBoard’s inactivity timeout; 10m by default). An MQTT device is offline as soon as its connection ends.' });
          })()}
        </p>
        {errorFor('inactivityTimeout')}
      </div>

      {formError && <ErrorNotice error={formError} />}
      <div className="form-actions">
        {onRemove && (
          <button type="button" className="btn btn-ghost btn-danger-text push-start" onClick={onRemove}>
            <Icon name="trash" />
            <FormattedMessage id="profiles.removeAsk" defaultMessage="Remove…" />
          </button>
        )}
        {profile && dirty && (
          <button type="button" className="btn" onClick={() => setValues(original)}>
<FormattedMessage id="attributes.discard" defaultMessage="Discard changes" />
          </button>
        )}
        {onCancel && !profile && (
          <button
            type="button"
            className="btn"
            onClick={() => {
              // Cancel means: throw this draft away (leaving the screen keeps it).
              discardDraft();
              onCancel();
            }}
          >
            <FormattedMessage id="common.cancel" defaultMessage="Cancel" />
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || (profile !== null && !dirty)}>
          {busy ? intl.formatMessage({ id: 'common.saving', defaultMessage: 'Saving…' }) : profile ? intl.formatMessage({ id: 'profiles.save', defaultMessage: 'Save changes' }) : intl.formatMessage({ id: 'profiles.create', defaultMessage: 'Create profile' })}
        </button>
      </div>
      {profile && !dirty && <TryIt profile={profile} />}
      {confirming && (
        <SecretChangeDialog usage={confirming.usage} what={confirming.what} onCancel={() => setConfirming(null)} onConfirm={() => void save()} />
      )}
    </form>
  );
}
