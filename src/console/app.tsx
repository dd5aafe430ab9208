/** The console's frame: sign-in, the navigation, the screen of the address, and the keyboard help. */
import { useMemo, useState } from 'preact/hooks';
import { signOutUrl } from './cognito.ts';
import type { ConsoleConfig } from './config.ts';
import { useKeys } from './keys.ts';
import { BASE, followLink, useLocation } from './router.ts';
import { currentToken, signOut } from './session.ts';
import { Help } from './parts/help.tsx';
import { SignIn } from './parts/sign-in.tsx';
import { AlertScreen } from './screens/alert.tsx';
import { Audit } from './screens/audit.tsx';
import { Privacy } from './screens/privacy.tsx';
import { Queue } from './screens/queue.tsx';
import { Scorecard } from './screens/scorecard.tsx';

const NAV: [string, string][] = [
  [`${BASE}/`, 'Queue'],
  [`${BASE}/rules`, 'Rules scorecard'],
  [`${BASE}/audit`, 'Audit'],
  [`${BASE}/privacy`, 'Privacy'],
];

function Screen({ url }: { url: URL }) {
  const path = url.pathname.replace(/\/+$/, '');
  const alert = /^\/console\/alerts\/([^/]+)$/.exec(path);
  if (alert) return <AlertScreen key={alert[1]} alertId={decodeURIComponent(alert[1]!)} />;
  if (path === `${BASE}/rules`) return <Scorecard />;
  if (path === `${BASE}/audit`) return <Audit params={url.searchParams} />;
  if (path === `${BASE}/privacy`) return <Privacy params={url.searchParams} />;
  return <Queue params={url.searchParams} />;
}

export function App(props: { signIn: ConsoleConfig['signIn']; problem?: string | undefined }) {
  const url = useLocation();
  const [signedIn, setSignedIn] = useState(currentToken() !== null);
  const [help, setHelp] = useState(false);
  const keys = useMemo(() => ({ '?': () => setHelp((h) => !h) }), []);
  useKeys(keys);
  if (!signedIn) {
    return <SignIn how={props.signIn} problem={props.problem} onSignedIn={() => setSignedIn(true)} />;
  }
  const here = url.pathname.replace(/\/+$/, '') || BASE;
  return (
    <>
      <header>
        <nav aria-label="Screens">
          <span class="brand">Vigil</span>
          {NAV.map(([href, label]) => (
            <a
              key={href}
              href={href}
              onClick={followLink}
              aria-current={href.replace(/\/+$/, '') === here ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
          <button type="button" class="link" onClick={() => setHelp(true)}>
            Keys <kbd>?</kbd>
          </button>
          <button
            type="button"
            class="link"
            onClick={() => {
              signOut();
              if (props.signIn.kind === 'cognito') location.assign(signOutUrl(props.signIn));
              else setSignedIn(false);
            }}
          >
            Sign out
          </button>
        </nav>
      </header>
      <main id="main">
        <Screen url={url} />
      </main>
      {help && <Help onClose={() => setHelp(false)} />}
    </>
  );
}
