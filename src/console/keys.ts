import { useEffect } from 'preact/hooks';

/** Whether a key press belongs to a form field (typing a note must not dispose an alert). */
const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName));

/**
 * Single-key shortcuts while the screen is shown (`j`, `k`, `Enter`, `f`, …), outside form fields
 * and without modifier keys, so the browser's own shortcuts keep working.
 */
export function useKeys(bindings: Record<string, () => void>): void {
  useEffect(() => {
    const pressed = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const action = bindings[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    addEventListener('keydown', pressed);
    return () => removeEventListener('keydown', pressed);
  }, [bindings]);
}
