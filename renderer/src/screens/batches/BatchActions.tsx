import { useState } from 'react';
import { FormattedMessage } from 'react-intl';
import type { Batch } from '../../../../shared/batches.ts';
import type { Route } from '../../app/route.ts';
import { useStation } from '../../app/station.tsx';
import { Icon } from '../../components/Icon.tsx';
import { AddDeviceDialog } from './AddDeviceDialog.tsx';
import { RemoveDevicesDialog } from './RemoveDevicesDialog.tsx';
import { RenameBatchDialog } from './RenameBatchDialog.tsx';

/** The batch's own actions in its header: add one device by hand, rename it, remove it with its devices. */
export function BatchActions({ batch, info, navigate }: { batch: string; info: Batch | null; navigate: (r: Route) => void }) {
  const { devices, batches } = useStation();
  const [dialog, setDialog] = useState<'add' | 'rename' | 'remove' | null>(null);
  return (
    <div className="batch-actions">
      <button type="button" className="btn btn-small" onClick={() => setDialog('add')} disabled={!info?.profile}>
        <Icon name="plus" size={14} />
        <FormattedMessage id="batch.addDevice" defaultMessage="Add device" />
      </button>
      <button type="button" className="btn btn-small" onClick={() => setDialog('rename')}>
        <FormattedMessage id="batch.rename" defaultMessage="Rename" />
      </button>
      <button type="button" className="btn btn-small btn-danger" onClick={() => setDialog('remove')}>
        <FormattedMessage id="batch.remove" defaultMessage="Remove batch…" />
      </button>
      {dialog === 'add' && (
        <AddDeviceDialog
          batch={batch}
          profile={info?.profile ?? null}
          onClose={() => setDialog(null)}
          onAdded={(name) => {
            setDialog(null);
            navigate({ screen: 'batches', batch, tab: 'devices', device: name });
          }}
        />
      )}
      {dialog === 'rename' && (
        <RenameBatchDialog
          batch={batch}
          onClose={() => setDialog(null)}
          onRenamed={(name) => {
            setDialog(null);
            navigate({ screen: 'batches', batch: name, tab: 'devices', device: null });
          }}
        />
      )}
      {dialog === 'remove' && (
        <RemoveDevicesDialog
          target={{ batch }}
          onClose={() => setDialog(null)}
          onRemoved={() => {
            setDialog(null);
            devices.reload(null);
            void batches.load();
            navigate({ screen: 'batches', device: null });
          }}
        />
      )}
    </div>
  );
}
