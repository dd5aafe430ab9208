import { existsSync, readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { LOCAL_STACK_FILE, type LocalStackInfo } from '../local/stack.ts';
import { LIST_KINDS, LIST_NAMES, MAX_ENTRY_DAYS } from '../shared/ports/entity-lists.ts';
import { WITH_PARENT_OPTIONS, withExitStatus } from './options.ts';

const DAY_MS = 86_400_000;

interface ApiOptions {
  apiUrl?: string;
  token?: string;
}

/**
 * `vigil lists`: the analysts' allow and deny entries, through the API (`/v1/lists/entries`), so
 * that every change is checked, pseudonymised and audited there as the token's caller.
 */
export const listsCommand = (): Command => {
  const command = new Command('lists')
    .summary("the analysts' allow and deny entries: ls, add, remove")
    .description(
      `The analysts' per-entity allow and deny entries, through the API: the
detection denies the events of an entity on the deny list and keeps those of
one on the allow list at allow, until the entry expires. Every call is
audited as the token's caller. Where it calls, first match wins: --api-url and
--token, else the local stack's ${LOCAL_STACK_FILE} (its analyst token).`,
    )
    .option('--api-url <url>', "the API's base URL (default: the local stack's)")
    .option('--token <token>', "a bearer token of the analyst or admin role (default: the local stack's)");
  command
    .command('ls', { isDefault: true })
    .summary('one JSON line per unexpired entry, newest first (the default)')
    .option('--list <list>', LIST_NAMES.join(' or '), oneOf(LIST_NAMES))
    .option('--kind <kind>', LIST_KINDS.join(', '), oneOf(LIST_KINDS))
    .configureHelp(WITH_PARENT_OPTIONS)
    .action(withExitStatus((options: { list?: string; kind?: string }, ls: Command) => listAll(ls, options)));
  command
    .command('add')
    .summary('puts an entity on a list: the raw value is pseudonymised by the API')
    .argument('<list>', LIST_NAMES.join(' or '), oneOf(LIST_NAMES))
    .argument('<kind>', LIST_KINDS.join(', '), oneOf(LIST_KINDS))
    .argument('<value>', 'the raw identifier, or with --pseudonym its pseudonym')
    .argument('<reason>', 'why, for the next analyst (kept with the entry, never audited)')
    .option('--days <n>', `how long it holds, 1–${MAX_ENTRY_DAYS}`, days, 30)
    .option('--pseudonym', 'the value is a pseudonym (v1:…) as alert evidence shows it')
    .configureHelp(WITH_PARENT_OPTIONS)
    .action(
      withExitStatus(
        async (
          list: string,
          kind: string,
          value: string,
          reason: string,
          options: AddOptions,
          add: Command,
        ) =>
          print([
            await call(add, 'POST', '/v1/lists/entries', addBody({ list, kind, value, reason }, options)),
          ]),
      ),
    );
  command
    .command('remove')
    .summary('removes an entry before its expiry')
    .argument('<entryId>', '<list>.<kind>.<pseudonym>, as ls shows it')
    .configureHelp(WITH_PARENT_OPTIONS)
    .action(
      withExitStatus(async (entryId: string, _options: object, remove: Command) =>
        print([await call(remove, 'DELETE', `/v1/lists/entries/${encodeURIComponent(entryId)}`)]),
      ),
    );
  return command;
};

interface AddOptions {
  days: number;
  pseudonym?: true;
}

function addBody(
  { list, kind, value, reason }: Record<'list' | 'kind' | 'value' | 'reason', string>,
  options: AddOptions,
) {
  return {
    list,
    kind,
    ...(options.pseudonym ? { entity: value } : { value }),
    reason,
    expiresAt: new Date(Date.now() + options.days * DAY_MS).toISOString(),
  };
}

async function listAll(ls: Command, filter: { list?: string; kind?: string }): Promise<number> {
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ ...filter, limit: '100', ...(cursor ? { cursor } : {}) });
    const page = (await call(ls, 'GET', `/v1/lists/entries?${query}`)) as {
      entries: unknown[];
      cursor?: string;
    };
    print(page.entries);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return 0;
}

function print(entries: readonly unknown[]): number {
  for (const entry of entries) process.stdout.write(`${JSON.stringify(entry)}\n`);
  return 0;
}

/** One API call as the command's caller; a non-2xx answer is an Error with the API's message (which quotes no value). */
async function call(command: Command, method: string, path: string, body?: unknown): Promise<unknown> {
  const { apiUrl, token } = apiOf(command.parent!.opts<ApiOptions>());
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = (await response.json()) as { error?: { message?: string } };
  if (!response.ok) throw new Error(`${response.status}: ${answer.error?.message ?? 'no message'}`);
  return answer;
}

/** The API and token: the options', else the local stack's (its analyst token). */
function apiOf(options: ApiOptions): Required<ApiOptions> {
  if (options.apiUrl && options.token) return { apiUrl: options.apiUrl, token: options.token };
  if (!existsSync(LOCAL_STACK_FILE)) {
    throw new Error(
      `give --api-url and --token, or start the local stack ('vigil start') for ${LOCAL_STACK_FILE}`,
    );
  }
  const stack = JSON.parse(readFileSync(LOCAL_STACK_FILE, 'utf8')) as Pick<
    LocalStackInfo,
    'apiUrl' | 'tokens'
  >;
  return { apiUrl: options.apiUrl ?? stack.apiUrl, token: options.token ?? stack.tokens.analyst };
}

/** Commander's parser of a value from a fixed set (commander names the argument or option). */
const oneOf =
  (values: readonly string[]) =>
  (text: string): string => {
    if (!values.includes(text)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return text;
  };

function days(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ENTRY_DAYS) {
    throw new InvalidArgumentError(`expected a whole number 1–${MAX_ENTRY_DAYS}`);
  }
  return n;
}
