/**
 * Codes, field names and times as an analyst reads them. Evidence keys are the rules' own
 * camelCase names (`failedLogins`), shown as words (`failed logins`); values that are times
 * are shown in the analyst's locale with the UTC original in a tooltip.
 */

/** `CREDENTIAL_STUFFING` as `Credential stuffing`. */
export function codeInWords(code: string): string {
  const words = code.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `failedLogins` or `distinct_accounts` as `failed logins`, `distinct accounts`. */
export const keyInWords = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * An evidence or fact value as text: yes/no, times in the analyst's locale. Numbers as they are:
 * some are identifiers (an ASN), which digit grouping would misrepresent.
 */
export function valueInWords(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  return ISO_TIME.test(value) ? when(value) : value;
}

/** An ISO time as `7 Dec 2026, 18:02:11` in the browser's time zone. */
export const when = (iso: string): string =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** How long ago, coarse: `45 s`, `12 min`, `3 h`, `2 d`. */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** A pseudonym shortened for a table (the whole one is in the title and in the entity's page). */
export const shortPseudonym = (pseudonym: string): string => `${pseudonym.slice(0, 11)}…`;
