import { FormattedMessage, useIntl } from 'react-intl';
import { useEffect, useId, useMemo, useState, useSyncExternalStore } from 'react';
import { DEFAULT_LABEL_LANGUAGE } from '../../../shared/label-words.ts';
import type { LabelCheckResult, LabelTemplateInfo } from '../../../shared/labels.ts';
import type { Route } from '../app/route.ts';
import { useStation } from '../app/station.tsx';
import { type Explained, explain } from '../api/errors.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Icon } from '../components/Icon.tsx';
import { setLabelSelection, useLabelSelection } from '../data/label-selection.ts';
import { useLiveQuery } from '../data/use-live-query.ts';
import { geometryOf } from './labels/geometry.ts';
import { type LabelChoices, jobOf } from './labels/job.ts';
import { BatchLabelLanguage } from './labels/BatchLabelLanguage.tsx';
import { LabelOptions } from './labels/LabelOptions.tsx';
import { PrintActions } from './labels/PrintActions.tsx';
import { SheetPreview } from './labels/SheetPreview.tsx';
import { TemplatePicker } from './labels/TemplatePicker.tsx';
import { usePreviewLabels } from './labels/usePreviewLabels.ts';

const templateKey = 'fieldstation.labels.template';
const remembered = () => {
  try {
    return localStorage.getItem(templateKey);
  } catch {
    return null;
  }
};

/** Label sheets for a batch: stock, payload, error correction, printer offset, a true-scale preview, print. */
export function LabelsScreen({ route, navigate }: { route: Route; navigate: (r: Route) => void }) {
  const { api, batches, hub } = useStation();
  const id = useId();
  const batchesSnap = useSyncExternalStore(batches.subscribe, batches.getSnapshot);
  useEffect(() => {
    void batches.load();
  }, [batches]);
  const batch = route.batch ?? null;
  const batchInfo = batchesSnap.value?.find((b) => b.name === batch) ?? null;
  const selection = useLabelSelection();
  const picked = selection && selection.batch === batch ? selection.devices : null;

  const [templates, setTemplates] = useState<LabelTemplateInfo[] | null>(null);
  const [templatesError, setTemplatesError] = useState<Explained | null>(null);
  const loadTemplates = () =>
    api['labels.templates']({}).then(
      (list) => {
        setTemplates(list);
        setTemplatesError(null);
      },
      (err: unknown) => setTemplatesError(explain(err)),
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once per screen visit
  useEffect(() => {
    void loadTemplates();
  }, []);

  const [choices, setChoices] = useState<Omit<LabelChoices, 'batch' | 'devices'>>({
    template: remembered() ?? '',
    payload: 'token',
    ecc: 'M',
    dpi: undefined,
    pendingOnly: false,
    unprintedOnly: false,
    skipMissing: false,
    group: false,
    copies: 1,
    offset: { x: 0, y: 0 },
    skip: 0,
    outlines: false,
  });
  const template = templates?.find((t) => t.name === choices.template) ?? null;
  // A known stock once the list is in: the remembered one, else the first sheet.
  useEffect(() => {
    if (!templates || templates.length === 0 || template) return;
    const first = templates.find((t) => t.kind === 'sheet') ?? templates[0]!;
    setChoices((c) => ({ ...c, template: first.name, offset: first.offset, dpi: first.dpis[0] }));
  }, [templates, template]);

  const chooseTemplate = (t: LabelTemplateInfo) => {
    try {
      localStorage.setItem(templateKey, t.name);
    } catch {
      // The choice lasts for this window only.
    }
    setChoices((c) => ({ ...c, template: t.name, offset: t.offset, dpi: t.dpis[0], skip: 0 }));
  };

  const full: LabelChoices | null = useMemo(
    () => (batch && template ? { ...choices, batch, devices: picked } : null),
    [choices, batch, picked, template],
  );

  const [tokens] = useLiveQuery(
    () => (batch ? api['tokens.list']({ batch }) : Promise.resolve([])),
    (schedule) =>
      hub.on('changed', (e) => {
        if (e.entity === 'tokens' && (e.batch === batch || e.batch === null)) schedule();
      }),
    batch,
  );

  const [check, setCheck] = useState<{ result: LabelCheckResult | null; error: Explained | null; busy: boolean }>({ result: null, error: null, busy: false });
  const jobKey = full ? JSON.stringify(jobOf(full)) : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: jobKey is the job
  useEffect(() => {
    if (!full) return;
    let live = true;
    setCheck((c) => ({ ...c, busy: true }));
    const timer = setTimeout(() => {
      api['labels.check'](jobOf(full)).then(
        (result) => live && setCheck({ result, error: null, busy: false }),
        (err: unknown) => live && setCheck({ result: null, error: explain(err), busy: false }),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, jobKey, tokens.value]);

  const preview = usePreviewLabels(full, template, tokens.value, batchInfo?.site ?? '', batchInfo?.language ?? DEFAULT_LABEL_LANGUAGE);
  const geometry = useMemo(() => (template ? geometryOf(template) : null), [template]);
  const [scale, setScale] = useState<'actual' | 'fit'>('actual');
  const intl = useIntl();

  if (!batch) {
    return (
      <section aria-labelledby="labels-title" className="screen">
        <header className="page-header">
          <div>
            <h1 id="labels-title"><FormattedMessage id="labels.title" defaultMessage="Labels" /></h1>
            <p className="page-subtitle"><FormattedMessage id="labels.intro" defaultMessage="Print a QR label for each device of a batch, or reprint damaged ones." /></p>
          </div>
        </header>
        <div className="card">
          <h2><FormattedMessage id="labels.whichBatch" defaultMessage="Which batch?" /></h2>
          {batchesSnap.value && batchesSnap.value.length === 0 ? (
            <p className="muted"><FormattedMessage id="labels.noBatches" defaultMessage="There are no batches yet. Create one on the Batches screen and import its devices first." /></p>
          ) : (
            <ul className="pick-list" aria-label={intl.formatMessage({ id: 'labels.batchesToPrint', defaultMessage: 'Batches to print' })}>
              {(batchesSnap.value ?? []).map((b) => (
                <li key={b.id}>
                  <button type="button" className="btn" onClick={() => navigate({ screen: 'labels', batch: b.name, device: null })}>
                    <Icon name="labels" />
                    {b.name}
                  </button>
                  <span className="muted">
                    <FormattedMessage id="labels.batchDevices" defaultMessage="{count, plural, one {# device} other {# devices}}" values={{ count: b.counts.total }} />
                    {b.site ? ` · ${b.site}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>
    );
  }

  const pages = check.result?.pages ?? 0;
  return (
    <section aria-labelledby="labels-title" className="screen labels-screen">
      <header className="page-header">
        <div>
          <a className="back-link" href={`#/batches/${encodeURIComponent(batch)}`}>
            <Icon name="chevronLeft" size={14} />
            {batch}
          </a>
          <h1 id="labels-title"><FormattedMessage id="labels.titleFor" defaultMessage="Labels for {batch}" values={{ batch }} /></h1>
          <p className="page-subtitle"><FormattedMessage id="labels.subtitle" defaultMessage="Choose the label stock and what the QR code carries; check the first page; print." /></p>
        </div>
      </header>
      {templatesError && <ErrorNotice error={templatesError} onRetry={() => void loadTemplates()} />}
      {picked && (
        <div className="notice notice-info" role="status">
          <Icon name="printer" size={18} />
          <div className="notice-body">
            <strong><FormattedMessage id="labels.reprinting" defaultMessage="Reprinting {count, plural, one {# selected device} other {# selected devices}}" values={{ count: picked.length }} /></strong>
            <span className="muted">
              {' '}
              {picked.length > 4
                ? intl.formatMessage({ id: 'labels.pickedMore', defaultMessage: '{names} and {count, number} more' }, { names: picked.slice(0, 4).join(', '), count: picked.length - 4 })
                : picked.join(', ')}
            </span>
          </div>
          <button type="button" className="btn" onClick={() => setLabelSelection(null)}>
<FormattedMessage id="labels.wholeBatch" defaultMessage="Print the whole batch instead" />
          </button>
        </div>
      )}
      <div className="labels-layout">
        <div className="labels-settings">
          <TemplatePicker templates={templates} selected={choices.template} onSelect={chooseTemplate} />
          {template && (
            <LabelOptions
              template={template}
              choices={choices}
              onChange={(change) => setChoices((c) => ({ ...c, ...change }))}
              hasSelection={picked !== null}
              onOffsetSaved={() => void loadTemplates()}
            />
          )}
          {batchInfo && <BatchLabelLanguage batch={batchInfo} />}
        </div>
        <div className="labels-output">
          <section className="card" aria-labelledby={`${id}-check`}>
            <div className="card-header">
              <h2 id={`${id}-check`}><FormattedMessage id="labels.check" defaultMessage="Check" /></h2>
              {check.busy && (
                <span role="status" className="check-busy">
                  <span className="spinner" aria-hidden="true" />
                  <span className="visually-hidden"><FormattedMessage id="labels.checking" defaultMessage="Checking" /></span>
                </span>
              )}
            </div>
            {check.error && <ErrorNotice error={check.error} />}
            {check.result && (
              <CheckResult
                result={check.result}
                templates={templates ?? []}
                onUse={chooseTemplate}
                onTokens={() => navigate({ screen: 'batches', batch, tab: 'tokens', device: null })}
                onLeaveOut={() => setChoices((c) => ({ ...c, skipMissing: true }))}
              />
            )}
          </section>
          {full && template && <PrintActions choices={full} template={template} check={check.result} />}
          <section className="card preview-card" aria-labelledby={`${id}-preview`}>
            <div className="card-header">
              <div>
                <h2 id={`${id}-preview`}><FormattedMessage id="labels.preview" defaultMessage="Preview of the first page" /></h2>
                <p className="card-subtitle">
                  {scale === 'actual'
                    ? intl.formatMessage({ id: 'labels.trueScale', defaultMessage: 'True scale: at 100% zoom a millimetre here is a millimetre on paper.' })
                    : intl.formatMessage({ id: 'labels.shrunk', defaultMessage: 'Shrunk to fit.' })}
                </p>
              </div>
              <fieldset className="segmented">
                <legend className="visually-hidden"><FormattedMessage id="labels.previewSize" defaultMessage="Preview size" /></legend>
                <button type="button" aria-pressed={scale === 'actual'} onClick={() => setScale('actual')}>
                  <FormattedMessage id="labels.actualSize" defaultMessage="Actual size" />
                </button>
                <button type="button" aria-pressed={scale === 'fit'} onClick={() => setScale('fit')}>
                  <FormattedMessage id="labels.fit" defaultMessage="Fit" />
                </button>
              </fieldset>
            </div>
            {preview.hostUnknown && (
              <p className="field-hint">
<FormattedMessage id="labels.hostUnknown" defaultMessage="The station fills in this computer’s network address when it prints; the preview shows “station-address”." />
              </p>
            )}
            {/* At true scale a sheet is wider than a tablet: it scrolls inside this box (by keyboard too), never the page. */}
            <div
              className={`preview-scroll${scale === 'fit' ? ' is-fit' : ''}`}
              data-preview-state={preview.loading ? 'loading' : 'ready'}
              data-scroll-x
              role="region"
              aria-labelledby={`${id}-preview`}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1, axe scrollable-region-focusable)
              tabIndex={0}
            >
              {geometry && full && (
                <SheetPreview
                  geometry={geometry}
                  labels={preview.labels}
                  skip={choices.skip}
                  offset={choices.offset}
                  ecc={choices.ecc}
                  outlines={choices.outlines}
                  scale={scale === 'fit' ? Math.min(1, 520 / ((geometry.page.width * 96) / 25.4)) : 1}
                />
              )}
              {!preview.loading && preview.labels.length === 0 && (
                <p className="preview-empty muted">
<FormattedMessage id="labels.nothing" defaultMessage="Nothing to show: no device of this selection has an active token. Issue tokens for the batch first." />
                </p>
              )}
            </div>
            {pages > 1 && (
              <p className="muted"><FormattedMessage id="labels.morePages" defaultMessage="and {count, plural, one {# more page} other {# more pages}} like it." values={{ count: pages - 1 }} /></p>
            )}
          </section>
        </div>
      </div>
    </section>
  );
}

function CheckResult({
  result,
  templates,
  onUse,
  onTokens,
  onLeaveOut,
}: {
  result: LabelCheckResult;
  templates: readonly LabelTemplateInfo[];
  onUse: (t: LabelTemplateInfo) => void;
  onTokens: () => void;
  onLeaveOut: () => void;
}) {
  const suggestion = result.suggestion ? templates.find((t) => t.name === result.suggestion) : undefined;
  // The station words a refusal for its command line ("Run: fieldstation tokens issue … --skip-missing"); for
  // devices without tokens the UI says it in its own words, with its own ways out.
  const missingOnly = !result.ok && result.missing > 0 && !suggestion;
  const selected = result.labels + result.missing;
  const intl = useIntl();
  return (
    <div className="check-result" data-check-ok={result.ok}>
      {result.ok ? (
        <p className="check-status is-good">
          <Icon name="check" />
          <FormattedMessage id="labels.checkOk" defaultMessage="{labels, plural, one {# label} other {# labels}} on {pages, plural, one {# page} other {# pages}}" values={{ labels: result.labels, pages: result.pages }} />
          {result.moduleMm !== null && (
            <>
              {' · '}
              <FormattedMessage id="labels.dots" defaultMessage="QR dots of {mm} mm, readable by phones and scanners" values={{ mm: intl.formatNumber(result.moduleMm, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) }} />
            </>
          )}
        </p>
      ) : (
        <div role="alert" className="notice notice-error">
          <Icon name="alert" size={18} />
          <div className="notice-body">
            {missingOnly ? (
              <>
                <strong>
<FormattedMessage id="labels.missing" defaultMessage="{missing, number} of the {selected, plural, one {# device} other {# devices}} have no active token, so they would get no label." values={{ missing: result.missing, selected }} />
                </strong>
                <span> <FormattedMessage id="labels.missingHint" defaultMessage="Issue tokens for them first, or leave them out and print the others." /></span>
              </>
            ) : (
              <strong>{result.message ?? intl.formatMessage({ id: 'labels.wouldNotPrint', defaultMessage: 'These labels would not print.' })}</strong>
            )}
          </div>
          {suggestion && (
            <button type="button" className="btn" onClick={() => onUse(suggestion)}>
<FormattedMessage id="import.useSuggestion" defaultMessage="Use {suggestion}" values={{ suggestion: suggestion.name }} />
            </button>
          )}
          {missingOnly && (
            <>
              <button type="button" className="btn" onClick={onLeaveOut}>
                <FormattedMessage id="labels.leaveOut" defaultMessage="Leave them out" />
              </button>
              <button type="button" className="btn" onClick={onTokens}>
                <FormattedMessage id="tokens.issue" defaultMessage="Issue tokens" />
              </button>
            </>
          )}
        </div>
      )}
      {result.ok && result.missing > 0 && (
        <p className="muted">
          <FormattedMessage id="labels.leftOut" defaultMessage="{count, plural, one {# selected device has} other {# selected devices have}} no active token and {count, plural, one {is} other {are}} left out." values={{ count: result.missing }} />
        </p>
      )}
    </div>
  );
}
