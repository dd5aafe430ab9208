/**
 * ISO 3166-1 alpha-2: the officially assigned country codes, from i18n-iso-countries' code table
 * (https://github.com/michaelwittig/node-i18n-iso-countries). Its `index.js` entry is imported
 * rather than the package's main entry, which loads the country names of every language.
 *
 * The package also lists `XK` (Kosovo), a user-assigned code that ISO 3166-1 does not assign;
 * the event contract asks for an assigned code, so it is left out here, as are reserved codes
 * (`UK`, `EU`) and lower-case spellings.
 */
import countries, { type Alpha2Code } from 'i18n-iso-countries/index.js';

/** An officially assigned ISO 3166-1 alpha-2 country code. */
export type CountryCode = Exclude<Alpha2Code, 'XK'>;

const USER_ASSIGNED: ReadonlySet<string> = new Set(['XK']);

/** The assigned codes, upper case, in the package's order: the members of the contract's enumeration. */
export const ISO_3166_ALPHA2 = Object.keys(countries.getAlpha2Codes()).filter(
  (code) => !USER_ASSIGNED.has(code),
) as [CountryCode, ...CountryCode[]];
