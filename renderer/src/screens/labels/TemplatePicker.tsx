import { useId } from 'react';
import type { LabelTemplateInfo } from '../../../../shared/labels.ts';

const mm = (n: number) => (Math.round(n * 10) / 10).toLocaleString();

/** Label stock by kind: office sheets (any printer) and rolls (label printers), with size and count per page. */
export function TemplatePicker({
  templates,
  selected,
  onSelect,
}: {
  templates: readonly LabelTemplateInfo[] | null;
  selected: string;
  onSelect: (t: LabelTemplateInfo) => void;
}) {
  const id = useId();
  if (!templates) return <div className="card muted">Loading label stock…</div>;
  const groups = [
    { kind: 'sheet', title: 'Sheets for an office printer' },
    { kind: 'roll', title: 'Rolls for a label printer' },
  ] as const;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Label stock</h2>
      {groups.map((g) => {
        const list = templates.filter((t) => t.kind === g.kind);
        if (list.length === 0) return null;
        return (
          <fieldset key={g.kind} className="field choice-group template-group">
            <legend>{g.title}</legend>
            {list.map((t) => (
              <label key={t.name} className={`choice template-choice${selected === t.name ? ' is-checked' : ''}`}>
                <input type="radio" name={`${id}-template`} value={t.name} checked={selected === t.name} onChange={() => onSelect(t)} />
                <span className="choice-text">
                  <span className="choice-title">{t.title}</span>
                  <span className="choice-description">
                    {mm(t.labelMm.width)} × {mm(t.labelMm.height)} mm ·{' '}
                    {t.kind === 'sheet' ? `${t.labelsPerPage} per sheet` : `roll, ${t.dpis.join(' or ')} dpi`} · shows{' '}
                    {t.fields.join(', ')}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
        );
      })}
    </section>
  );
}
