/**
 * The analyst console's place and settings, as plain data: the one definition that the local
 * gateway (`src/local/console-files.ts`), the CDK stack (`infra/console.ts`) and, for its types,
 * the console itself (`src/console/`) read, so that one build serves locally and in AWS.
 */
import { fileURLToPath } from 'node:url';

/** Where `npm run build:console` (part of `npm ci`) writes the console. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console', import.meta.url));

/** The console's path on its origin: the local gateway's and the CloudFront distribution's. */
export const CONSOLE_PATH = '/console';

/** The console's runtime settings, a file beside its page: `/console/config.json`. */
export const CONSOLE_CONFIG_FILE = 'config.json';

/**
 * How the console signs an analyst in: with a bearer token typed or carried by a link (the local
 * stack), or through the Cognito user pool's sign-in pages with the authorization code grant and
 * PKCE (AWS), whose access token it then sends as the bearer token.
 */
export type ConsoleSignIn =
  | { readonly kind: 'token' }
  | {
      readonly kind: 'cognito';
      /** The user pool domain's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
      readonly domain: string;
      /** The console's public app client. */
      readonly clientId: string;
    };

/** `/console/config.json`. */
export interface ConsoleConfig {
  /** Where the APIs are, without a trailing slash; empty for the console's own origin. */
  readonly apiUrl: string;
  readonly signIn: ConsoleSignIn;
}

/** The local stack's: the API on the same origin, tokens that `npm start` prints. */
export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { apiUrl: '', signIn: { kind: 'token' } };

/**
 * The console's Content-Security-Policy, by directive (Hono's camel-case names): its own scripts,
 * styles and API only, no inline script or style, no framing. In AWS `connect-src` adds the API's
 * and the user pool domain's origins ({@link consoleCsp}).
 */
export const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} satisfies Record<string, string[]>;

/**
 * The policy as header text, with more origins the console may call (`connect-src`).
 *
 * @example
 * ```ts
 * consoleCsp(['https://abc.execute-api.eu-central-1.amazonaws.com']);
 * // "default-src 'none'; script-src 'self'; …; connect-src 'self' https://abc…; …"
 * ```
 */
export function consoleCsp(connectTo: readonly string[] = []): string {
  const directives: Record<string, readonly string[]> = {
    ...CONSOLE_CSP,
    connectSrc: [...CONSOLE_CSP.connectSrc, ...connectTo],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${sources.join(' ')}`)
    .join('; ');
}
