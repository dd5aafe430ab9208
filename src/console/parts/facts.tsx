import { keyInWords, valueInWords } from '../words.ts';

/** Evidence or an observation's facts as a definition list: each name in words, each value readable. */
export function Facts({ facts }: { facts: Readonly<Record<string, string | number | boolean>> }) {
  const entries = Object.entries(facts);
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <dl class="facts">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{keyInWords(key)}</dt>
          <dd title={String(value)}>{valueInWords(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
