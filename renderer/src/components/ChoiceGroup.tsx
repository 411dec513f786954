import type { ReactNode } from 'react';

/** One option of a `ChoiceGroup`: its title, and a sentence on what choosing it means. */
export interface Choice<T extends string> {
  value: T;
  title: string;
  text: string;
}

/** Radio buttons that each explain themselves; `children` (a hint, say) go between the legend and the options. */
export function ChoiceGroup<T extends string>({
  legend,
  legendHidden = false,
  inline = false,
  name,
  choices,
  value,
  onChange,
  children,
}: {
  legend: string;
  /** The legend is for screen readers only (a visible heading already says it). */
  legendHidden?: boolean;
  inline?: boolean;
  name: string;
  choices: readonly Choice<T>[];
  value: T;
  onChange: (value: T) => void;
  children?: ReactNode;
}) {
  return (
    <fieldset className={`field choice-group${inline ? ' inline-choices' : ''}`}>
      <legend className={legendHidden ? 'visually-hidden' : undefined}>{legend}</legend>
      {children}
      {choices.map((c) => (
        <label key={c.value} className={`choice${value === c.value ? ' is-checked' : ''}`}>
          <input type="radio" name={name} value={c.value} checked={value === c.value} onChange={() => onChange(c.value)} />
          <span className="choice-text">
            <span className="choice-title">{c.title}</span>
            <span className="choice-description">{c.text}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
