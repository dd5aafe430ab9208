/**
 * Where the console is: its screens are paths under `/console/` and a screen's filters are the
 * query string, so any view is a link an analyst can share. Navigation uses the History API
 * (https://developer.mozilla.org/en-US/docs/Web/API/History_API); the gateway answers every
 * path under `/console/` with the same page.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

/**
 * Goes to a console address; `replace` keeps the history entry (a filter typed, not a new view);
 * `state` goes with the entry (the pages before this one, `parts/pager.tsx`).
 */
export function navigate(to: string, replace = false, state: unknown = null): void {
  if (replace) history.replaceState(state, '', to);
  else history.pushState(state, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The current address, re-rendering on every navigation. */
export function useLocation(): URL {
  const [href, setHref] = useState(location.href);
  useEffect(() => {
    const changed = (): void => setHref(location.href);
    addEventListener('popstate', changed);
    return () => removeEventListener('popstate', changed);
  }, []);
  return new URL(href);
}

/** A click on a link of the console stays in the page (other clicks, e.g. with Ctrl, open a tab). */
export function followLink(event: MouseEvent): void {
  const link = (event.currentTarget as HTMLAnchorElement | null)?.getAttribute('href');
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link);
}
