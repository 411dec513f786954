import { FormattedMessage, useIntl } from 'react-intl';
import type { Shortcut } from '../app/shortcuts.ts';
import { Modal } from './Modal.tsx';

export function HelpDialog({ shortcuts, onClose }: { shortcuts: readonly Shortcut[]; onClose: () => void }) {
  const intl = useIntl();
  return (
    <Modal title={intl.formatMessage({ id: 'help.title', defaultMessage: 'Keyboard shortcuts' })} onClose={onClose} className="help-dialog">
      <p className="muted">
        <FormattedMessage
          id="help.intro"
          defaultMessage="Press the keys one after the other. Shortcuts pause while you type in a field. A USB barcode scanner works from anywhere: a scanned label finds its device and never triggers a shortcut."
        />
      </p>
      <table className="shortcut-table">
        <tbody>
          {shortcuts.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                {s.keys.split(' ').map((k, i) => (
                  <span key={k + String(i)}>
                    {i > 0 && <span className="then">
                        {' '}
                        <FormattedMessage id="help.then" defaultMessage="then" />{' '}
                      </span>}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </th>
              <td>{s.description}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">
              <kbd>↑</kbd> <kbd>↓</kbd> <kbd>
                <FormattedMessage id="help.key.enter" defaultMessage="Enter" />
              </kbd>
            </th>
            <td>
              <FormattedMessage id="help.rows" defaultMessage="Move through a table’s rows; open the focused one" />
            </td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>
                <FormattedMessage id="help.key.space" defaultMessage="Space" />
              </kbd>
            </th>
            <td>
              <FormattedMessage id="help.select" defaultMessage="Select the focused device in a batch, for bulk actions" />
            </td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>
                <FormattedMessage id="help.key.esc" defaultMessage="Esc" />
              </kbd>
            </th>
            <td>
              <FormattedMessage id="help.close" defaultMessage="Close a dialog or the device panel" />
            </td>
          </tr>
        </tbody>
      </table>
    </Modal>
  );
}
