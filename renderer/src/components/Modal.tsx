import { useIntl } from 'react-intl';
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Icon } from './Icon.tsx';

/**
 * A modal dialog on the native <dialog>: focus is trapped and Esc closes it by the browser's own rules, and the
 * focus returns to whatever opened it.
 */
export function Modal({
  title,
  onClose,
  children,
  className = '',
  describedBy,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  describedBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const intl = useIntl();
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog ref={ref} className={`modal ${className}`} aria-labelledby={titleId} aria-describedby={describedBy}>
      <header className="modal-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-icon btn-ghost" onClick={onClose} aria-label={intl.formatMessage({ id: 'common.close', defaultMessage: 'Close' })}>
          <Icon name="close" />
        </button>
      </header>
      <div className="modal-body">{children}</div>
    </dialog>
  );
}
