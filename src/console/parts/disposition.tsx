import { useEffect, useState } from 'preact/hooks';
import { type Alert, ApiFailure, type Verdict, disposeAlert } from '../api.ts';
import { when } from '../words.ts';
import { Badge } from './status.tsx';

const VERDICTS = ['fraud', 'legitimate', 'unsure'] as const satisfies readonly Verdict[];

/** Who decided and when, once decided; else the form: verdict and note. */
export function Disposition(props: { alert: Alert; verdict?: Verdict | undefined; onDone: () => void }) {
  const { disposition } = props.alert;
  const [verdict, setVerdict] = useState<Verdict | undefined>(props.verdict);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    if (props.verdict) setVerdict(props.verdict);
  }, [props.verdict]);
  if (disposition) {
    return (
      <p class="decided">
        Decided <Badge value={disposition.verdict} /> by <strong>{disposition.by}</strong> on{' '}
        {when(disposition.at)}
        {disposition.note && <q>{disposition.note}</q>}
      </p>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    if (!verdict) return setError('Choose a verdict.');
    disposeAlert(props.alert.alertId, verdict, note).then(props.onDone, (err: ApiFailure) =>
      setError(err.message),
    );
  };
  return (
    <form class="disposition" onSubmit={submit}>
      <fieldset>
        <legend>Verdict</legend>
        {VERDICTS.map((v) => (
          <label key={v}>
            <input
              type="radio"
              name="verdict"
              value={v}
              checked={verdict === v}
              onChange={() => setVerdict(v)}
            />{' '}
            {v} <kbd>{v[0]}</kbd>
          </label>
        ))}
      </fieldset>
      <label for="note">Note (for the other analysts; no personal data)</label>
      <textarea id="note" maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <button type="submit">Close the alert</button>
      {error && (
        <p role="alert" class="failure">
          {error}
        </p>
      )}
    </form>
  );
}
