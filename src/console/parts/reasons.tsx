import type { Alert } from '../api.ts';
import { codeInWords } from '../words.ts';
import { Facts } from './facts.tsx';

/** Every reason of the alert: its code in words, its points, the rule's sentence and the evidence. */
export function Reasons({ reasons }: { reasons: Alert['reasons'] }) {
  return (
    <ol class="reasons">
      {reasons.map((reason) => (
        <li key={reason.code} class={reason.shadow ? 'shadow' : undefined}>
          <h3>
            {codeInWords(reason.code)} <span class="points">+{reason.points}</span>
            {reason.shadow && <span class="muted"> (shadow mode: reported, no points)</span>}
          </h3>
          <p>{reason.message}</p>
          <Facts facts={reason.evidence} />
          <p class="muted code-name">{reason.code}</p>
        </li>
      ))}
    </ol>
  );
}
