import { useIntl } from 'react-intl';
import type { CSSProperties } from 'react';
import type { LabelEcc, LabelOffset } from '../../../../shared/labels.ts';
import { Qr } from '../../components/Qr.tsx';
import type { Geometry } from './geometry.ts';

export interface PreviewLabel {
  id: string;
  /** Who it is for, for the accessible name ("boiler-0001", "Group token"). */
  name: string;
  payload: string;
  lines: { text: string; bold: boolean }[];
}

const mm = (n: number) => `${n.toFixed(3)}mm`;

/**
 * The first page at true scale: CSS millimetres are physical millimetres at 100% zoom on a calibrated screen, so a
 * sheet can be held against the screen (or measured) and the QR codes scanned from it. Skipped slots show empty.
 */
export function SheetPreview({
  geometry: g,
  labels,
  skip,
  offset,
  ecc,
  outlines,
  scale,
}: {
  geometry: Geometry;
  labels: readonly PreviewLabel[];
  skip: number;
  offset: LabelOffset;
  ecc: LabelEcc;
  outlines: boolean;
  scale: number;
}) {
  const intl = useIntl();
  const page: CSSProperties = { width: mm(g.page.width), height: mm(g.page.height) };
  return (
    <div className="sheet-frame" style={{ width: `calc(${mm(g.page.width)} * ${scale})`, height: `calc(${mm(g.page.height)} * ${scale})` }}>
      <div className="sheet" style={{ ...page, transform: scale === 1 ? undefined : `scale(${scale})` }}>
        <ul className="sheet-slots" aria-label={intl.formatMessage({ id: 'labels.sheet', defaultMessage: 'Labels on the first page' })}>
          {g.slots.map((slot, i) => {
            const label = i >= skip ? labels[i - skip] : undefined;
            const style: CSSProperties = {
              left: mm(slot.x + offset.x),
              top: mm(slot.y + offset.y),
              width: mm(g.label.width),
              height: mm(g.label.height),
              borderRadius: mm(g.label.radius),
            };
            if (!label) {
              // biome-ignore lint/suspicious/noArrayIndexKey: slots are positions on the sheet
              return <li key={i} className={`sheet-slot is-empty${i < skip ? ' is-skipped' : ''}`} style={style} aria-hidden="true" />;
            }
            return (
              <li key={label.id} className={`sheet-slot${outlines ? ' has-outline' : ''}`} style={style} aria-label={intl.formatMessage({ id: 'labels.labelFor', defaultMessage: 'Label for {name}' }, { name: label.name })}>
                <div className="slot-qr" style={{ left: mm(g.qr.x), top: mm(g.qr.y) }}>
                  <Qr text={label.payload} ecc={ecc} sizeCss={mm(g.qr.size)} />
                </div>
                <div
                  className="slot-text"
                  style={{ left: mm(g.text.x), top: mm(g.text.y), width: mm(g.text.width), height: mm(g.text.height), fontSize: `${g.text.fontPt}pt` }}
                >
                  {label.lines.map((line) => (
                    <span key={line.text} className={line.bold ? 'is-bold' : undefined}>
                      {line.text}
                    </span>
                  ))}
                </div>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
