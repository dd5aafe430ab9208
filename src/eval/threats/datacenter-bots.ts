import { LOGIN_PATH, browserUserAgent, visitPage } from '../clients.ts';
import type { ThreatFamily } from '../family.ts';
import { HOUR, SECOND, type Visit, attack, newSessionId } from '../model.ts';
import { POOLS, ipv4In } from '../networks.ts';
import { type Random, type Range, draw, drawInt } from '../random.ts';
import { incidentStart, residentialIp, strangerUsername } from './common.ts';
import { SCRIPT_USER_AGENTS } from './single-account.ts';

/** A rented server's or a VPN exit's address. */
const serverIp = (rng: Random): string => ipv4In(rng, rng.pick([POOLS.hetzner, POOLS.ovh, POOLS.vpn]));

/** One tool's user agent for the whole run, or a browser user agent drawn per request. */
function agentOf(rng: Random): () => string {
  if (rng.chance(0.4)) {
    const fixed = rng.pick(SCRIPT_USER_AGENTS);
    return () => fixed;
  }
  const pool = Array.from({ length: rng.int(1, 30) }, () => browserUserAgent(rng));
  return () => rng.pick(pool);
}

export const SERVER_STUFFING = {
  addresses: [1, 25],
  attempts: [80, 2_500],
  hours: [0.3, 12],
  unknownShare: [0.5, 0.95],
  successShare: [0.005, 0.05],
} as const satisfies Record<string, Range>;

/**
 * Credential stuffing from rented servers (OWASP OAT-008 as most tools run it): a combo list over
 * one to a few dozen hosting or VPN addresses, a tool's user agent or rotating browser ones, with
 * or without cookies, at whatever pace the operator set.
 */
export const serverStuffing: ThreatFamily = {
  name: 'stuffing_servers',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const addresses = Array.from({ length: drawInt(rng, SERVER_STUFFING.addresses) }, () => serverIp(rng));
    const attempts = drawInt(rng, SERVER_STUFFING.attempts);
    const duration = draw(rng, SERVER_STUFFING.hours) * HOUR;
    const unknown = draw(rng, SERVER_STUFFING.unknownShare);
    const success = draw(rng, SERVER_STUFFING.successShare);
    const agent = agentOf(rng);
    const cookies = rng.chance(0.5);
    const known = shop.accounts(
      rng,
      Math.min(Math.ceil(attempts * (1 - unknown)), Math.floor(shop.regulars.length * 0.1)),
    );
    const t0 = incidentStart(shop, rng, duration);
    for (let a = 0; a < attempts; a++) {
      const visit: Visit = {
        ip: rng.pick(addresses),
        userAgent: agent(),
        ...(cookies ? { sessionId: newSessionId(rng), deviceId: `d-${rng.hex(16)}` } : {}),
      };
      const t = t0 + (duration * (a + rng.next())) / attempts;
      if (cookies && rng.chance(0.5))
        shop.world.browse(t - rng.between(0.5, 4) * SECOND, visit, LOGIN_PATH, 'page', tag);
      const c = rng.chance(unknown) || known.length === 0 ? undefined : rng.pick(known);
      if (!c) {
        shop.world.login(
          t,
          visit,
          {
            username: strangerUsername(rng),
            outcome: 'failure',
            failureReason: 'unknown_user',
            method: 'password',
          },
          tag,
        );
      } else if (rng.chance(success)) {
        shop.world.login(
          t,
          { ...visit, customerId: c.id },
          { username: c.username, outcome: 'success', method: 'password' },
          tag,
        );
        const page = visitPage(rng);
        shop.world.browse(
          t + rng.between(1, 10) * SECOND,
          { ...visit, customerId: c.id },
          page.path,
          page.kind,
          tag,
        );
      } else {
        shop.world.login(
          t,
          { ...visit, customerId: c.id },
          { username: c.username, outcome: 'failure', failureReason: 'bad_password', method: 'password' },
          tag,
        );
      }
    }
  },
};

/** What scanners ask for: configuration, backups, admin panels, known-vulnerable scripts. */
const SCANNER_PATHS = [
  '/.env',
  '/.env.production',
  '/api/.env',
  '/.git/config',
  '/.git/HEAD',
  '/.svn/entries',
  '/.DS_Store',
  '/.aws/credentials',
  '/config.json',
  '/config.php.bak',
  '/wp-config.php.bak',
  '/backup.zip',
  '/backup.sql',
  '/db.sql',
  '/dump.sql.gz',
  '/wp-login.php',
  '/wp-admin/setup-config.php',
  '/xmlrpc.php',
  '/wp-content/plugins/wp-file-manager/readme.txt',
  '/phpmyadmin/index.php',
  '/pma/',
  '/adminer.php',
  '/admin/login',
  '/administrator/index.php',
  '/server-status',
  '/actuator/env',
  '/actuator/heapdump',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/cgi-bin/luci/;stok=/locale',
  '/boaform/admin/formLogin',
  '/owa/auth/logon.aspx',
  '/remote/fgt_lang',
  '/solr/admin/info/system',
  '/HNAP1/',
  '/telescope/requests',
  '/_profiler/phpinfo',
  '/phpinfo.php',
  '/info.php',
  '/static/../../../../etc/passwd',
  '/.well-known/security.txt',
  '/sitemap.xml',
  '/robots.txt',
];

export const SCAN = {
  requests: [25, 600],
  gapSeconds: [0.05, 20],
  addresses: [1, 4],
} as const satisfies Record<string, Range>;

/**
 * Vulnerability scanning and footprinting (OWASP OAT-014, OAT-018): a scanner walks a list of
 * sensitive paths between ordinary pages, from one to a few servers or residential addresses,
 * quick or slow, with a tool's user agent or a browser's.
 */
export const vulnerabilityScan: ThreatFamily = {
  name: 'vulnerability_scan',
  perThousand: 0.5,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const residential = rng.chance(0.3);
    const addresses = Array.from({ length: drawInt(rng, SCAN.addresses) }, () =>
      residential ? residentialIp(rng) : serverIp(rng),
    );
    const requests = drawInt(rng, SCAN.requests);
    const gap = draw(rng, SCAN.gapSeconds);
    const agent = agentOf(rng);
    const probeShare = rng.between(0.4, 1);
    let t = incidentStart(shop, rng, requests * gap * 1.5 * SECOND);
    for (let r = 0; r < requests; r++) {
      const visit: Visit = { ip: rng.pick(addresses), userAgent: agent() };
      const page = rng.chance(probeShare)
        ? { path: rng.pick(SCANNER_PATHS), kind: undefined }
        : visitPage(rng);
      shop.world.browse(t, visit, page.path, page.kind, tag);
      t += gap * rng.between(0.5, 1.5) * SECOND;
    }
  },
};
