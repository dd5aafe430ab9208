/**
 * Paging through a listing by the API's cursors: the current page's cursor is in the address
 * (`cursor`, shareable), and the cursors of the pages before it in the history entry's state
 * (https://developer.mozilla.org/en-US/docs/Web/API/History/state), so Previous goes back one
 * page however the analyst came here; a shared link starts a new trail (First page, Next page).
 */
import { navigate } from '../router.ts';

/** The cursors of the pages before this one, oldest first; `''` is the first page. */
const trail = (): string[] => {
  const pages = (history.state as { pages?: unknown } | null)?.pages;
  return Array.isArray(pages) ? pages.filter((p): p is string => typeof p === 'string') : [];
};

export function Pager(props: { path: string; params: URLSearchParams; next?: string | undefined }) {
  const current = props.params.get('cursor') ?? '';
  const before = trail();
  const to = (cursor: string) => {
    const p = new URLSearchParams(props.params);
    if (cursor) p.set('cursor', cursor);
    else p.delete('cursor');
    return `${props.path}?${p}`;
  };
  const go = (cursor: string, pages: string[]) => (event: MouseEvent) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to(cursor), false, { pages });
  };
  const previous = before.at(-1);
  return (
    <nav class="pager" aria-label="Pages">
      {current && (
        <a href={to('')} onClick={go('', [])}>
          First page
        </a>
      )}
      {current && previous !== undefined && (
        <a href={to(previous)} onClick={go(previous, before.slice(0, -1))} rel="prev">
          Previous page
        </a>
      )}
      {props.next && (
        <a href={to(props.next)} onClick={go(props.next, [...before, current])} rel="next">
          Next page
        </a>
      )}
    </nav>
  );
}
