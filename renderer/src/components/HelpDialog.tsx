import type { Shortcut } from '../app/shortcuts.ts';
import { Modal } from './Modal.tsx';

export function HelpDialog({ shortcuts, onClose }: { shortcuts: readonly Shortcut[]; onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} className="help-dialog">
      <p className="muted">
        Press the keys one after the other. Shortcuts pause while you type in a field. A USB barcode scanner works from
        anywhere: a scanned label finds its device and never triggers a shortcut.
      </p>
      <table className="shortcut-table">
        <tbody>
          {shortcuts.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                {s.keys.split(' ').map((k, i) => (
                  <span key={k + String(i)}>
                    {i > 0 && <span className="then"> then </span>}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </th>
              <td>{s.description}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">
              <kbd>↑</kbd> <kbd>↓</kbd> <kbd>Enter</kbd>
            </th>
            <td>Move through a table’s rows; open the focused one</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>Space</kbd>
            </th>
            <td>Select the focused device in a batch, for bulk actions</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>Esc</kbd>
            </th>
            <td>Close a dialog or the device panel</td>
          </tr>
        </tbody>
      </table>
    </Modal>
  );
}
