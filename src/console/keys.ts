import { useEffect, useRef } from 'preact/hooks';

/** Whether a key press belongs to a form field (typing a note must not dispose an alert). */
const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName));

/**
 * Single-key shortcuts while the screen is shown (`j`, `k`, `Enter`, `f`, …), outside form fields
 * and without modifier keys, so the browser's own shortcuts keep working.
 */
export function useKeys(bindings: Record<string, () => void>): void {
  // The listener reads the bindings of the latest render, not of the render that added it: effects
  // run after paint (https://preactjs.com/guide/v10/hooks/#useeffect), so a key pressed as soon as
  // the selection shows would otherwise act on the selection before it.
  const latest = useRef(bindings);
  latest.current = bindings;
  useEffect(() => {
    const pressed = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const action = latest.current[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    addEventListener('keydown', pressed);
    return () => removeEventListener('keydown', pressed);
  }, []);
}
