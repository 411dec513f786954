import { useEffect, useId, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { ProvisionedChoice, RemovalPreview, RemovalResult } from '../../../../shared/removal.ts';
import { useStation } from '../../app/station.tsx';
import { type Explained, explain } from '../../api/errors.ts';
import { announce } from '../../components/Announcer.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Modal } from '../../components/Modal.tsx';

/** What is removed: some devices by name, a whole batch, or what one import created ("undo this import"). */
export type RemovalTarget = { names: string[] } | { batch: string } | { importId: number; fileName: string | null };

/**
 * Asks before removing devices, naming the consequence in numbers from the station (devices, provisioned ones,
 * online ones, labels that stop working, devices the cloud keeps). Provisioned devices are real devices on site:
 * for a selection or an import the safe answer (keep them) is preselected; a batch goes whole, so removing one with
 * provisioned devices needs an explicit tick.
 */
export function RemoveDevicesDialog({ target, onClose, onRemoved }: { target: RemovalTarget; onClose: () => void; onRemoved: (r: RemovalResult) => void }) {
  const { api } = useStation();
  const intl = useIntl();
  const textId = useId();
  const [preview, setPreview] = useState<RemovalPreview | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [busy, setBusy] = useState(false);
  const [choice, setChoice] = useState<Exclude<ProvisionedChoice, 'refuse'>>('keep');
  const [alsoProvisioned, setAlsoProvisioned] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);

  const selection = 'names' in target ? { names: target.names } : 'batch' in target ? { batch: target.batch } : { importId: target.importId };
  const key = JSON.stringify(selection);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the selection
  useEffect(() => {
    let live = true;
    api['devices.removal.preview'](selection).then(
      (p) => live && setPreview(p),
      (err: unknown) => live && setError(explain(err)),
    );
    return () => {
      live = false;
    };
  }, [api, key]);

  const isBatch = 'batch' in target;
  // A batch goes whole, and one device is one device: both ask for a tick instead of offering to keep some.
  const whole = isBatch || ('names' in target && target.names.length === 1);
  const provisioned = preview?.provisioned ?? 0;
  const devices = preview?.devices ?? 0;
  const provisionedChoice: ProvisionedChoice = provisioned === 0 ? 'refuse' : whole ? (alsoProvisioned ? 'remove' : 'refuse') : choice;
  const removing = provisionedChoice === 'keep' ? devices - provisioned : devices;
  const blocked = preview === null || (whole && provisioned > 0 && !alsoProvisioned) || (!whole && removing === 0);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      const result =
        'batch' in target
          ? await api['batches.remove']({ batch: target.batch, provisioned: provisionedChoice === 'remove' ? 'remove' : 'refuse' })
          : 'importId' in target
            ? await api['imports.undo']({ id: target.importId, provisioned: provisionedChoice })
            : await api['devices.remove']({ names: target.names, provisioned: provisionedChoice });
      announce(intl.formatMessage({ id: 'removal.done', defaultMessage: '{count, plural, one {# device} other {# devices}} removed' }, { count: result.removed }));
      onRemoved(result);
    } catch (err) {
      setError(explain(err));
      setBusy(false);
    }
  };

  const title =
    'batch' in target
      ? intl.formatMessage({ id: 'removal.title.batch', defaultMessage: 'Remove batch “{batch}”?' }, { batch: target.batch })
      : 'importId' in target
        ? intl.formatMessage({ id: 'removal.title.import', defaultMessage: 'Undo this import?' })
        : target.names.length === 1
          ? intl.formatMessage({ id: 'removal.title.device', defaultMessage: 'Remove device “{name}”?' }, { name: target.names[0] })
          : intl.formatMessage({ id: 'removal.title.devices', defaultMessage: 'Remove {count, number} devices?' }, { count: target.names.length });

  return (
    <Modal title={title} onClose={onClose} describedBy={textId} className="removal-dialog">
      <div id={textId} data-removal-preview={preview ? 'ready' : 'loading'}>
        {preview === null ? (
          <p className="muted">
            <FormattedMessage id="removal.counting" defaultMessage="Counting what this removes…" />
          </p>
        ) : (
          <>
            <p>
              {'importId' in target ? (
                <FormattedMessage
                  id="removal.import.what"
                  defaultMessage="The {count, plural, one {# device} other {# devices}} this import{file, select, none {} other { ({file})}} created are removed from the station together, with their credentials and labels. Devices it only updated keep their values."
                  values={{ count: devices, file: target.fileName ?? 'none' }}
                />
              ) : isBatch ? (
                <FormattedMessage
                  id="removal.batch.what"
                  defaultMessage="The batch and its {count, plural, one {# device} other {# devices}} are removed from the station, with their credentials, attributes and telemetry."
                  values={{ count: devices }}
                />
              ) : (
                <FormattedMessage
                  id="removal.devices.what"
                  defaultMessage="{count, plural, one {# device is} other {# devices are}} removed from the station, with their credentials, attributes and telemetry."
                  values={{ count: devices }}
                />
              )}
            </p>
            <ul className="removal-consequences">
              {preview.tokens > 0 && (
                <li>
                  <FormattedMessage
                    id="removal.tokens"
                    defaultMessage="{count, plural, one {# printed label stops} other {# printed labels stop}} working."
                    values={{ count: preview.tokens }}
                  />
                </li>
              )}
              {provisioned > 0 && (
                <li className="removal-warning">
                  <strong>
                    <FormattedMessage
                      id="removal.provisioned"
                      defaultMessage="{count, plural, one {# device is} other {# devices are}} already provisioned{online, plural, =0 {} other {, # online right now}}:"
                      values={{ count: provisioned, online: preview.online }}
                    />
                  </strong>{' '}
                  <FormattedMessage
                    id="removal.provisioned.why"
                    defaultMessage="real devices on site with credentials. Removed, they can no longer connect to this station."
                  />
                </li>
              )}
              {preview.inCloud > 0 && (
                <li>
                  <FormattedMessage
                    id="removal.cloud"
                    defaultMessage="{count, plural, one {# device is} other {# devices are}} already in the cloud: {count, plural, one {it stays} other {they stay}} there (remove {count, plural, one {it} other {them}} there if needed); the station stops syncing {count, plural, one {it} other {them}}."
                    values={{ count: preview.inCloud }}
                  />
                </li>
              )}
              <li className="muted">
                <FormattedMessage id="removal.audit" defaultMessage="The audit log keeps each removed device by name." />
              </li>
            </ul>
            {provisioned > 0 && !whole && (
              <fieldset className="choice-list">
                <legend>
                  <FormattedMessage id="removal.choice.legend" defaultMessage="Provisioned devices" />
                </legend>
                <label>
                  <input type="radio" name="provisioned" checked={choice === 'keep'} onChange={() => setChoice('keep')} />{' '}
                  <FormattedMessage
                    id="removal.choice.keep"
                    defaultMessage="Keep the {provisioned, number} provisioned, remove the other {rest, number}"
                    values={{ provisioned, rest: devices - provisioned }}
                  />
                </label>
                <label>
                  <input type="radio" name="provisioned" checked={choice === 'remove'} onChange={() => setChoice('remove')} />{' '}
                  <FormattedMessage
                    id="removal.choice.remove"
                    defaultMessage="Remove all {count, number}, the provisioned ones too"
                    values={{ count: devices }}
                  />
                </label>
              </fieldset>
            )}
            {provisioned > 0 && whole && (
              <label className="checkbox">
                <input type="checkbox" checked={alsoProvisioned} onChange={(e) => setAlsoProvisioned(e.target.checked)} />{' '}
                <FormattedMessage
                  id="removal.confirmProvisioned"
                  defaultMessage="Remove {count, plural, one {the provisioned device} other {the # provisioned devices}} too"
                  values={{ count: provisioned }}
                />
              </label>
            )}
          </>
        )}
      </div>
      {error && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose} ref={keep}>
          <FormattedMessage id="removal.keep" defaultMessage="Keep them" />
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy || blocked}>
          {busy ? (
            <FormattedMessage id="removal.removing" defaultMessage="Removing…" />
          ) : isBatch ? (
            <FormattedMessage id="removal.confirm.batch" defaultMessage="Remove batch and {count, plural, one {# device} other {# devices}}" values={{ count: devices }} />
          ) : (
            <FormattedMessage id="removal.confirm" defaultMessage="Remove {count, plural, one {# device} other {# devices}}" values={{ count: removing }} />
          )}
        </button>
      </div>
    </Modal>
  );
}
