/**
 * The console's runtime settings, `/console/config.json` beside its page: where the APIs are and
 * how analysts sign in. The local gateway answers it with the local stack's; in AWS the stack
 * writes it at deployment (`infra/console.ts`). So one build serves both.
 */
import type { ConsoleConfig } from '../shared/console.ts';
import { BASE } from './router.ts';

export type { ConsoleConfig };
export type CognitoSignIn = Extract<ConsoleConfig['signIn'], { kind: 'cognito' }>;

let current: ConsoleConfig = { apiUrl: '', signIn: { kind: 'token' } };

/** Reads the settings once, at start; every later {@link consoleConfig} answers them. */
export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(`${BASE}/config.json`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`config.json: the server answered ${response.status}`);
  current = (await response.json()) as ConsoleConfig;
  return current;
}

export const consoleConfig = (): ConsoleConfig => current;
