import { defineMessage, FormattedMessage, type IntlShape, type MessageDescriptor, useIntl } from 'react-intl';
import { useId, useState } from 'react';
import type { LabelEcc, LabelTemplateInfo, PayloadKind } from '../../../../shared/labels.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { type Choice, ChoiceGroup } from '../../components/ChoiceGroup.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Icon } from '../../components/Icon.tsx';
import type { LabelChoices } from './job.ts';

type Options = Omit<LabelChoices, 'batch' | 'devices'>;

const payloads = [
  {
    value: 'token',
    title: defineMessage({ id: 'labels.payload.token', defaultMessage: 'Token' }),
    text: defineMessage({ id: 'labels.payload.tokenText', defaultMessage: 'A short code that Fieldstation-ready firmware and this station understand. The smallest QR code: scans best, fits the smallest labels.' }),
  },
  {
    value: 'url',
    title: defineMessage({ id: 'labels.payload.url', defaultMessage: 'Web address' }),
    text: defineMessage({ id: 'labels.payload.urlText', defaultMessage: 'A phone camera opens the device’s onboarding page on this station. Needs the station’s address on the site network.' }),
  },
  {
    value: 'json',
    title: defineMessage({ id: 'labels.payload.json', defaultMessage: 'JSON for firmware' }),
    text: defineMessage({ id: 'labels.payload.jsonText', defaultMessage: 'The station’s address, its ports, the key and the secret, for firmware that reads its own label. The largest QR code.' }),
  },
] as const;

const eccs = [
  { value: 'M', title: defineMessage({ id: 'labels.ecc.m', defaultMessage: 'Standard (M)' }), text: defineMessage({ id: 'labels.ecc.mText', defaultMessage: 'Reads with up to 15% of the code damaged. The smaller code.' }) },
  { value: 'Q', title: defineMessage({ id: 'labels.ecc.q', defaultMessage: 'Tough (Q)' }), text: defineMessage({ id: 'labels.ecc.qText', defaultMessage: 'Reads with up to 25% damaged, for labels that get scuffed or dirty. A larger code.' }) },
] as const;

/** Options with their words in the chosen language. */
function inWords<T extends string>(
  options: readonly { value: T; title: MessageDescriptor; text: MessageDescriptor }[],
  intl: IntlShape,
): Choice<T>[] {
  return options.map((o) => ({ value: o.value, title: intl.formatMessage(o.title), text: intl.formatMessage(o.text) }));
}

const step = 0.5;

/** What the QR code carries, how robust it is, which devices, and the printer's offset. */
export function LabelOptions({
  template,
  choices,
  onChange,
  hasSelection,
  onOffsetSaved,
}: {
  template: LabelTemplateInfo;
  choices: Options;
  onChange: (change: Partial<Options>) => void;
  hasSelection: boolean;
  onOffsetSaved: () => void;
}) {
  const { api } = useStation();
  const id = useId();
  const [saving, setSaving] = useState(false);
  const [offsetError, setOffsetError] = useState<Explained | null>(null);
  const intl = useIntl();
  const offsetChanged = choices.offset.x !== template.offset.x || choices.offset.y !== template.offset.y;

  const nudge = (axis: 'x' | 'y', by: number) => {
    const value = Math.max(-20, Math.min(20, Math.round((choices.offset[axis] + by) * 10) / 10));
    onChange({ offset: { ...choices.offset, [axis]: value } });
  };
  const saveOffset = async () => {
    setSaving(true);
    setOffsetError(null);
    try {
      await api['labels.offsets.set']({ template: template.name, ...choices.offset });
      announce(intl.formatMessage({ id: 'labels.offsetSaved', defaultMessage: 'Offset saved for {template}' }, { template: template.name }));
      onOffsetSaved();
    } catch (err) {
      setOffsetError(explain(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby={`${id}-payload`}>
        <h2 id={`${id}-payload`}><FormattedMessage id="labels.payloadTitle" defaultMessage="What the QR code carries" /></h2>
        <ChoiceGroup
          legend={intl.formatMessage({ id: 'labels.payload', defaultMessage: 'Payload' })}
          legendHidden
          name={`${id}-payload`}
          choices={inWords<PayloadKind>(payloads, intl)}
          value={choices.payload}
          onChange={(payload) => onChange({ payload })}
        />
        <ChoiceGroup
          legend={intl.formatMessage({ id: 'labels.ecc', defaultMessage: 'Error correction' })}
          inline
          name={`${id}-ecc`}
          choices={inWords<LabelEcc>(eccs, intl)}
          value={choices.ecc}
          onChange={(ecc) => onChange({ ecc })}
        />
      </section>

      <section className="card" aria-labelledby={`${id}-which`}>
        <h2 id={`${id}-which`}><FormattedMessage id="issue.which" defaultMessage="Which labels" /></h2>
        <div className="checks">
          <label className="check">
            <input type="checkbox" checked={choices.group} onChange={(e) => onChange({ group: e.target.checked })} />
<FormattedMessage id="labels.group" defaultMessage="The batch’s group token (one label for many devices) instead of a label per device" />
          </label>
          <div className="field nested-field">
            <label htmlFor={`${id}-copies`}>
              {choices.group ? intl.formatMessage({ id: 'labels.copies', defaultMessage: 'Copies' }) : <FormattedMessage id="labels.options.copiesEach" defaultMessage="Copies of each label" />}
            </label>
            <input
              id={`${id}-copies`}
              type="number"
              min={1}
              max={10000}
              value={choices.copies}
              onChange={(e) => onChange({ copies: Math.max(1, Math.min(10_000, Number(e.target.value) || 1)) })}
            />
          </div>
          {choices.group ? null : (
            <>
              <label className="check">
                <input type="checkbox" checked={choices.pendingOnly} onChange={(e) => onChange({ pendingOnly: e.target.checked })} />
<FormattedMessage id="labels.pendingOnly" defaultMessage="Only devices that have not provisioned yet" />
              </label>
              <label className="check">
                <input type="checkbox" checked={choices.unprintedOnly} onChange={(e) => onChange({ unprintedOnly: e.target.checked })} />
<FormattedMessage id="labels.unprintedOnly" defaultMessage="Only labels never printed before" />
              </label>
              <label className="check">
                <input type="checkbox" checked={choices.skipMissing} onChange={(e) => onChange({ skipMissing: e.target.checked })} />
                {hasSelection
                  ? intl.formatMessage({ id: 'labels.skipMissingSelected', defaultMessage: 'Leave out devices without an active token (among the selected)' })
                  : intl.formatMessage({ id: 'labels.skipMissing', defaultMessage: 'Leave out devices without an active token' })}
              </label>
            </>
          )}
        </div>
      </section>

      <section className="card" aria-labelledby={`${id}-printer`}>
        <h2 id={`${id}-printer`}><FormattedMessage id="labels.printer" defaultMessage="Printer" /></h2>
        {template.kind === 'sheet' ? (
          <div className="field">
            <label htmlFor={`${id}-skip`}>{intl.formatMessage({ id: 'labels.skip', defaultMessage: 'Labels already used on the first sheet' })}</label>
            <input
              id={`${id}-skip`}
              type="number"
              min={0}
              max={template.labelsPerPage - 1}
              value={choices.skip}
              onChange={(e) => onChange({ skip: Math.max(0, Math.min(template.labelsPerPage - 1, Number(e.target.value) || 0)) })}
              aria-describedby={`${id}-skip-hint`}
            />
            <p className="field-hint" id={`${id}-skip-hint`}>
<FormattedMessage id="labels.skipHint" defaultMessage="A part-used sheet back in the printer: printing starts after this many labels." />
            </p>
          </div>
        ) : (
          template.dpis.length > 1 && (
            <div className="field">
              <label htmlFor={`${id}-dpi`}>{intl.formatMessage({ id: 'labels.printHead', defaultMessage: 'Print head' })}</label>
              <select id={`${id}-dpi`} value={choices.dpi ?? template.dpis[0]} onChange={(e) => onChange({ dpi: Number(e.target.value) })}>
                {template.dpis.map((d) => (
                  <option key={d} value={d}>
                    {d} dpi
                  </option>
                ))}
              </select>
            </div>
          )
        )}
        <fieldset className="field offset-field">
          <legend><FormattedMessage id="labels.offset" defaultMessage="Offset" /></legend>
          <p className="field-hint">
<FormattedMessage id="labels.offsetHint" defaultMessage="If the printout sits off the labels, measure how far and nudge it here (mm; right and down are positive). Print a test page with outlines on plain paper and hold it against a sheet of labels." />
          </p>
          <div className="offset-row">
            {(['x', 'y'] as const).map((axis) => (
              <div key={axis} className="offset-axis">
                <label htmlFor={`${id}-off-${axis}`}>
                  {axis === 'x' ? intl.formatMessage({ id: 'labels.right', defaultMessage: 'Right' }) : intl.formatMessage({ id: 'labels.down', defaultMessage: 'Down' })}
                </label>
                <button type="button" className="btn btn-icon" onClick={() => nudge(axis, -step)} aria-label={
                    axis === 'x' ? intl.formatMessage({ id: 'labels.nudgeLeft', defaultMessage: 'Nudge left {mm, number} mm' }, { mm: step }) : intl.formatMessage({ id: 'labels.nudgeUp', defaultMessage: 'Nudge up {mm, number} mm' }, { mm: step })
                  }
                >
                  <Icon name="minus" />
                </button>
                <input
                  id={`${id}-off-${axis}`}
                  type="number"
                  step={step}
                  min={-20}
                  max={20}
                  value={choices.offset[axis]}
                  onChange={(e) => onChange({ offset: { ...choices.offset, [axis]: Math.max(-20, Math.min(20, Number(e.target.value) || 0)) } })}
                />
                <button type="button" className="btn btn-icon" onClick={() => nudge(axis, step)} aria-label={
                    axis === 'x' ? intl.formatMessage({ id: 'labels.nudgeRight', defaultMessage: 'Nudge right {mm, number} mm' }, { mm: step }) : intl.formatMessage({ id: 'labels.nudgeDown', defaultMessage: 'Nudge down {mm, number} mm' }, { mm: step })
                  }
                >
                  <Icon name="plus" />
                </button>
                <span className="muted">mm</span>
              </div>
            ))}
          </div>
          <label className="check">
            <input type="checkbox" checked={choices.outlines} onChange={(e) => onChange({ outlines: e.target.checked })} />
<FormattedMessage id="labels.outlines" defaultMessage="Draw label outlines (a test print on plain paper)" />
          </label>
          {offsetChanged && (
            <div className="offset-save">
              <span className="muted">
<FormattedMessage id="labels.remembered" defaultMessage="Remembered for this stock: {x, number} mm right, {y, number} mm down." values={{ x: template.offset.x, y: template.offset.y }} />
              </span>
              <button type="button" className="btn btn-small" onClick={() => void saveOffset()} disabled={saving}>
<FormattedMessage id="labels.remember" defaultMessage="Remember this offset" />
              </button>
            </div>
          )}
          {offsetError && <ErrorNotice error={offsetError} />}
        </fieldset>
      </section>
    </>
  );
}
