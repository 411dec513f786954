import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Icon, type IconName } from './Icon.tsx';

export interface NavItem {
  id: string;
  title: string;
  icon: IconName;
  key: string;
}

/**
 * The main navigation. Wide windows show every link in the top bar; narrow ones (tablets, phones: see base.css)
 * show a Menu button that opens the links as a list below the bar (the disclosure pattern of the WAI-ARIA APG, not a
 * `menu` role: these are links). Esc or choosing a link closes it, focus back on the button after Esc.
 */
export function MainNav({ items, current }: { items: readonly NavItem[]; current: string }) {
  const [open, setOpen] = useState(false);
  const intl = useIntl();
  const listId = useId();
  const navRef = useRef<HTMLElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);

  // A chosen link (or a shortcut) changes the screen: the list has done its job.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `current` is the trigger
  useEffect(() => setOpen(false), [current]);

  useEffect(() => {
    if (!open) return;
    // A click or a focus anywhere outside closes it, as a native popup would.
    const outside = (event: Event) => {
      if (!navRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('focusin', outside);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('focusin', outside);
    };
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
      toggleRef.current?.focus();
    }
  };

  return (
    <nav ref={navRef} aria-label={intl.formatMessage({ id: 'app.nav', defaultMessage: 'Main' })} className="nav" data-open={open || undefined} onKeyDown={onKeyDown}>
      <button
        ref={toggleRef}
        type="button"
        className="btn btn-ghost nav-toggle"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name={open ? 'close' : 'menu'} />
        <FormattedMessage id="nav.menu" defaultMessage="Menu" />
      </button>
      <div id={listId} className="nav-links">
        {items.map((s) => (
          <a
            key={s.id}
            href={`#/${s.id}`}
            className="nav-link"
            aria-current={current === s.id ? 'page' : undefined}
            title={`${s.title} (${s.key})`}
            onClick={() => setOpen(false)}
          >
            <Icon name={s.icon} />
            {s.title}
          </a>
        ))}
      </div>
    </nav>
  );
}
