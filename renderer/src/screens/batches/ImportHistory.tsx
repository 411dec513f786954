import { useState } from 'react';
import { FormattedDate, FormattedMessage, useIntl } from 'react-intl';
import type { ImportRecord } from '../../../../shared/removal.ts';
import { useStation } from '../../app/station.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useLiveQuery } from '../../data/use-live-query.ts';
import { RemoveDevicesDialog } from './RemoveDevicesDialog.tsx';

/** The batch's past imports, newest first, each with "Undo this import" while devices it created remain. */
export function ImportHistory({ batch }: { batch: string }) {
  const { api, hub, devices } = useStation();
  const intl = useIntl();
  const [undoing, setUndoing] = useState<ImportRecord | null>(null);
  const [imports, query] = useLiveQuery(
    () => api['imports.list']({ batch }),
    (schedule) =>
      hub.on('changed', (e) => {
        if (e.entity === 'devices' && (e.batch === batch || e.batch === null)) schedule();
      }),
    batch,
  );
  const list = imports.value ?? [];
  if (list.length === 0 && !imports.error) return null;
  return (
    <section className="import-history" aria-labelledby="import-history-title">
      <h2 id="import-history-title">
        <FormattedMessage id="imports.title" defaultMessage="Earlier imports" />
      </h2>
      {imports.error && <ErrorNotice error={imports.error} onRetry={() => void query.load()} />}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">
              <FormattedMessage id="imports.when" defaultMessage="When" />
            </th>
            <th scope="col">
              <FormattedMessage id="imports.file" defaultMessage="File" />
            </th>
            <th scope="col">
              <FormattedMessage id="imports.created" defaultMessage="Devices created" />
            </th>
            <th scope="col">
              <span className="visually-hidden">
                <FormattedMessage id="imports.actions" defaultMessage="Actions" />
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((i) => (
            <tr key={i.id} data-import-id={i.id}>
              <td>
                <FormattedDate value={i.at} dateStyle="medium" timeStyle="short" />
              </td>
              <td>{i.fileName ?? <span className="muted">—</span>}</td>
              <td className="num">
                <FormattedMessage
                  id="imports.remaining"
                  defaultMessage="{created, number}{remaining, select, same {} other { ({remaining} still here)}}"
                  values={{ created: i.created, remaining: i.remaining === i.created ? 'same' : String(i.remaining) }}
                />
                {i.undoneAt && (
                  <span className="muted">
                    {' · '}
                    <FormattedMessage id="imports.undone" defaultMessage="undone" />
                  </span>
                )}
              </td>
              <td>
                {i.remaining > 0 && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => setUndoing(i)}
                    aria-label={intl.formatMessage(
                      { id: 'imports.undo.label', defaultMessage: 'Undo the import of {file}' },
                      { file: i.fileName ?? intl.formatDate(i.at, { dateStyle: 'medium', timeStyle: 'short' }) },
                    )}
                  >
                    <FormattedMessage id="imports.undo" defaultMessage="Undo this import" />
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {undoing && (
        <RemoveDevicesDialog
          target={{ importId: undoing.id, fileName: undoing.fileName }}
          onClose={() => setUndoing(null)}
          onRemoved={() => {
            setUndoing(null);
            devices.reload(null);
            void query.load();
          }}
        />
      )}
    </section>
  );
}
