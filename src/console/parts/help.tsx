import { useEffect, useRef } from 'preact/hooks';

const KEYS: [string, string][] = [
  ['j / k', 'next / previous alert in the queue'],
  ['Enter', 'open the selected alert'],
  ['f / l / u', 'dispose as fraud / legitimate / unsure (queue); choose that verdict (alert)'],
  ['Escape', 'back to the queue; close this help'],
  ['?', 'show or hide this help'],
];

/** The keyboard help, a modal dialog (`<dialog>`: focus and Escape handled by the browser). */
export function Help({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">Keyboard</h2>
      <dl class="keys">
        {KEYS.map(([key, what]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
