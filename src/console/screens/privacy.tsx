/**
 * A rights request's receipt by its id (privacy-service role): what was carried out, when, for
 * which pseudonym, and how much it touched. Another role is refused by the API.
 */
import type { Receipt } from '../api.ts';
import { BASE, navigate } from '../router.ts';
import { useApi } from '../use-api.ts';
import { when } from '../words.ts';
import { Failure, Loading } from '../parts/status.tsx';
import { Facts } from '../parts/facts.tsx';

function ReceiptView({ receipt }: { receipt: Receipt }) {
  const { observations, at, ...rest } = receipt;
  return (
    <>
      <p>
        Carried out on {when(at)}. Observations per kind: <Facts facts={observations} />
      </p>
      <Facts facts={rest as Record<string, string | number>} />
    </>
  );
}

export function Privacy({ params }: { params: URLSearchParams }) {
  const id = params.get('request') ?? '';
  const receipt = useApi<Receipt>(id ? `/v1/privacy/requests/${encodeURIComponent(id)}` : undefined);
  const submit = (e: Event) => {
    e.preventDefault();
    const value = new FormData(e.currentTarget as HTMLFormElement).get('request');
    navigate(`${BASE}/privacy?${new URLSearchParams({ request: String(value ?? '').trim() })}`);
  };
  return (
    <section aria-labelledby="privacy-title">
      <h1 id="privacy-title">Rights request receipt</h1>
      <form class="filters" onSubmit={submit}>
        <div class="field">
          <label for="request">Request id</label>
          <input id="request" name="request" defaultValue={id} required />
        </div>
        <button type="submit">Show the receipt</button>
      </form>
      {receipt.error && <Failure error={receipt.error} />}
      {receipt.loading && <Loading />}
      {receipt.data && <ReceiptView receipt={receipt.data} />}
    </section>
  );
}
