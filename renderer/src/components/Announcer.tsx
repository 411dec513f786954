import { useEffect, useState } from 'react';

let setMessage: ((text: string) => void) | null = null;

/** Says something to screen-reader users without moving focus ("Copied provision key"). */
export function announce(text: string): void {
  setMessage?.('');
  // A changed text is what gets read: clear first so the same message twice is read twice.
  requestAnimationFrame(() => setMessage?.(text));
}

export function Announcer() {
  const [text, setText] = useState('');
  useEffect(() => {
    setMessage = setText;
    return () => {
      setMessage = null;
    };
  }, []);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {text}
    </div>
  );
}
