import { defineMessage, FormattedMessage, useIntl } from 'react-intl';
import { useId } from 'react';
import type { LabelTemplateInfo } from '../../../../shared/labels.ts';

const groups = [
  { kind: 'sheet', title: defineMessage({ id: 'labels.stock.sheets', defaultMessage: 'Sheets for an office printer' }) },
  { kind: 'roll', title: defineMessage({ id: 'labels.stock.rolls', defaultMessage: 'Rolls for a label printer' }) },
] as const;

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
  const intl = useIntl();
  const mm = (n: number) => intl.formatNumber(n, { maximumFractionDigits: 1 });
  if (!templates) return <div className="card muted"><FormattedMessage id="labels.stock.loading" defaultMessage="Loading label stock…" /></div>;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}><FormattedMessage id="labels.stock.title" defaultMessage="Label stock" /></h2>
      {groups.map((g) => {
        const list = templates.filter((t) => t.kind === g.kind);
        if (list.length === 0) return null;
        return (
          <fieldset key={g.kind} className="field choice-group template-group">
            <legend>{intl.formatMessage(g.title)}</legend>
            {list.map((t) => (
              <label key={t.name} className={`choice template-choice${selected === t.name ? ' is-checked' : ''}`}>
                <input type="radio" name={`${id}-template`} value={t.name} checked={selected === t.name} onChange={() => onSelect(t)} />
                <span className="choice-text">
                  <span className="choice-title">{t.title}</span>
                  <span className="choice-description">
                    <FormattedMessage
                      id="labels.stock.size"
                      defaultMessage="{width} × {height} mm"
                      values={{ width: mm(t.labelMm.width), height: mm(t.labelMm.height) }}
                    />{' '}
                    ·{' '}
                    {t.kind === 'sheet'
                      ? intl.formatMessage({ id: 'labels.stock.perSheet', defaultMessage: '{count, number} per sheet' }, { count: t.labelsPerPage })
                      : intl.formatMessage({ id: 'labels.stock.roll', defaultMessage: 'roll, {dpis} dpi' }, { dpis: intl.formatList(t.dpis.map(String), { type: 'disjunction' }) })}{' '}
                    · <FormattedMessage id="labels.stock.shows" defaultMessage="shows {fields}" values={{ fields: t.fields.join(', ') }} />
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
