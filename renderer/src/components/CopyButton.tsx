import { useIntl } from 'react-intl';
import { useEffect, useState } from 'react';
import { announce } from './Announcer.tsx';
import { Icon } from './Icon.tsx';

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older WebViews or a denied permission: the selection-based fallback still works on a user click.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** A copy button whose accessible name says what it copies: "Copy HTTP provisioning URL". */
export function CopyButton({ value, what, showLabel = false }: { value: string; what: string; showLabel?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const intl = useIntl();
  const copyWhat = intl.formatMessage({ id: 'copy.what', defaultMessage: 'Copy {what}' }, { what });
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1600);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    const ok = await writeClipboard(value);
    setState(ok ? 'copied' : 'failed');
    announce(
      ok
        ? intl.formatMessage({ id: 'copy.done', defaultMessage: 'Copied {what}' }, { what })
        : intl.formatMessage({ id: 'copy.failedHint', defaultMessage: 'Could not copy {what}; select it and press Ctrl+C' }, { what }),
    );
  };
  return (
    <button
      type="button"
      className={`btn btn-icon copy-button${state === 'copied' ? ' is-done' : ''}`}
      onClick={copy}
      aria-label={copyWhat}
      title={
        state === 'copied'
          ? intl.formatMessage({ id: 'copy.copied', defaultMessage: 'Copied' })
          : state === 'failed'
            ? intl.formatMessage({ id: 'copy.failed', defaultMessage: 'Copy failed' })
            : copyWhat
      }
      data-copy-state={state}
    >
      <Icon name={state === 'copied' ? 'check' : 'copy'} />
      {showLabel && (
        <span>
          {state === 'copied'
            ? intl.formatMessage({ id: 'copy.copied', defaultMessage: 'Copied' })
            : intl.formatMessage({ id: 'copy.copy', defaultMessage: 'Copy' })}
        </span>
      )}
    </button>
  );
}
