import { FormattedMessage } from 'react-intl';
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

const payloads: Choice<PayloadKind>[] = [
  {
    value: 'token',
    title: 'Token',
    text: 'A short code that Fieldstation-ready firmware and this station understand. The smallest QR code: scans best, fits the smallest labels.',
  },
  {
    value: 'url',
    title: 'Web address',
    text: 'A phone camera opens the device’s onboarding page on this station. Needs the station’s address on the site network.',
  },
  {
    value: 'json',
    title: 'JSON for firmware',
    text: 'The station’s address, its ports, the key and the secret, for firmware that reads its own label. The largest QR code.',
  },
];

const eccs: Choice<LabelEcc>[] = [
  { value: 'M', title: 'Standard (M)', text: 'Reads with up to 15% of the code damaged. The smaller code.' },
  { value: 'Q', title: 'Tough (Q)', text: 'Reads with up to 25% damaged, for labels that get scuffed or dirty. A larger code.' },
];

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
      announce(`Offset saved for ${template.name}`);
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
        <h2 id={`${id}-payload`}>What the QR code carries</h2>
        <ChoiceGroup
          legend="Payload"
          legendHidden
          name={`${id}-payload`}
          choices={payloads}
          value={choices.payload}
          onChange={(payload) => onChange({ payload })}
        />
        <ChoiceGroup legend="Error correction" inline name={`${id}-ecc`} choices={eccs} value={choices.ecc} onChange={(ecc) => onChange({ ecc })} />
      </section>

      <section className="card" aria-labelledby={`${id}-which`}>
        <h2 id={`${id}-which`}>Which labels</h2>
        <div className="checks">
          <label className="check">
            <input type="checkbox" checked={choices.group} onChange={(e) => onChange({ group: e.target.checked })} />
            The batch’s group token (one label for many devices) instead of a label per device
          </label>
          <div className="field nested-field">
            <label htmlFor={`${id}-copies`}>
              {choices.group ? 'Copies' : <FormattedMessage id="labels.options.copiesEach" defaultMessage="Copies of each label" />}
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
                Only devices that have not provisioned yet
              </label>
              <label className="check">
                <input type="checkbox" checked={choices.unprintedOnly} onChange={(e) => onChange({ unprintedOnly: e.target.checked })} />
                Only labels never printed before
              </label>
              <label className="check">
                <input type="checkbox" checked={choices.skipMissing} onChange={(e) => onChange({ skipMissing: e.target.checked })} />
                Leave out devices without an active token {hasSelection ? '(among the selected)' : ''}
              </label>
            </>
          )}
        </div>
      </section>

      <section className="card" aria-labelledby={`${id}-printer`}>
        <h2 id={`${id}-printer`}>Printer</h2>
        {template.kind === 'sheet' ? (
          <div className="field">
            <label htmlFor={`${id}-skip`}>Labels already used on the first sheet</label>
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
              A part-used sheet back in the printer: printing starts after this many labels.
            </p>
          </div>
        ) : (
          template.dpis.length > 1 && (
            <div className="field">
              <label htmlFor={`${id}-dpi`}>Print head</label>
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
          <legend>Offset</legend>
          <p className="field-hint">
            If the printout sits off the labels, measure how far and nudge it here (mm; right and down are positive). Print a
            test page with outlines on plain paper and hold it against a sheet of labels.
          </p>
          <div className="offset-row">
            {(['x', 'y'] as const).map((axis) => (
              <div key={axis} className="offset-axis">
                <label htmlFor={`${id}-off-${axis}`}>{axis === 'x' ? 'Right' : 'Down'}</label>
                <button type="button" className="btn btn-icon" onClick={() => nudge(axis, -step)} aria-label={`Nudge ${axis === 'x' ? 'left' : 'up'} 0.5 mm`}>
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
                <button type="button" className="btn btn-icon" onClick={() => nudge(axis, step)} aria-label={`Nudge ${axis === 'x' ? 'right' : 'down'} 0.5 mm`}>
                  <Icon name="plus" />
                </button>
                <span className="muted">mm</span>
              </div>
            ))}
          </div>
          <label className="check">
            <input type="checkbox" checked={choices.outlines} onChange={(e) => onChange({ outlines: e.target.checked })} />
            Draw label outlines (a test print on plain paper)
          </label>
          {offsetChanged && (
            <div className="offset-save">
              <span className="muted">
                Remembered for this stock: {template.offset.x} mm right, {template.offset.y} mm down.
              </span>
              <button type="button" className="btn btn-small" onClick={() => void saveOffset()} disabled={saving}>
                Remember this offset
              </button>
            </div>
          )}
          {offsetError && <ErrorNotice error={offsetError} />}
        </fieldset>
      </section>
    </>
  );
}
