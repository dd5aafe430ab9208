import { render } from 'preact';
import { App } from './app.tsx';
import { finishSignIn } from './cognito.ts';
import { loadConfig } from './config.ts';
import { takeTokenFromFragment } from './session.ts';
import './styles.css';

/** Settings first, then the sign-in's way back (a link's token, or the sign-in pages' code), then the app. */
async function start(root: HTMLElement): Promise<void> {
  const config = await loadConfig();
  let problem: string | undefined;
  if (config.signIn.kind === 'token') takeTokenFromFragment();
  else await finishSignIn(config.signIn).catch((err: Error) => (problem = err.message));
  render(<App signIn={config.signIn} problem={problem} />, root);
}

const root = document.getElementById('app')!;
start(root).catch(() => {
  root.textContent = 'The console could not read its settings (config.json). Reload the page.';
});
