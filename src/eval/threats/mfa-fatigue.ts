import { SECOND } from '../model.ts';
import { POOLS, ipv4In } from '../networks.ts';
import { draw, drawInt } from '../random.ts';
import { attackerDevice, residentialIp } from './common.ts';
import { attackerVisit, cashOut, passwordLogin, takeoverFamily, takeoverStart } from './steps.ts';

export const MFA_FATIGUE = { pushes: [2, 25], secondsBetween: [10, 240], vpn: 0.2 } as const;

/**
 * MFA fatigue (MITRE ATT&CK T1621) in the contract's two-step encoding: the password step
 * succeeds (`method` `password`), then push after push is refused (`method` `mfa`, `mfa_failed`)
 * until the worn-down customer approves one (after two pushes or after dozens, seconds or
 * minutes apart), from a residential address or a VPN; then the account is looted or left for
 * later.
 */
export const mfaFatigue = takeoverFamily(
  { name: 'mfa_fatigue', perThousand: 0.75, min: 2 },
  (shop, rng, victim, tag) => {
    const ip = rng.chance(MFA_FATIGUE.vpn) ? ipv4In(rng, POOLS.vpn) : residentialIp(rng);
    const attacker = attackerVisit(rng, attackerDevice(rng), ip);
    const login = { username: victim.username };
    const signedIn = passwordLogin(shop, rng, takeoverStart(shop, rng), victim, tag, {
      visit: () => attacker,
      gapSeconds: [5, 30],
    });
    const { visit } = signedIn;
    let { t } = signedIn;
    for (let p = drawInt(rng, MFA_FATIGUE.pushes); p > 0; p--) {
      shop.world.login(
        (t += draw(rng, MFA_FATIGUE.secondsBetween) * SECOND),
        visit,
        { ...login, outcome: 'failure', failureReason: 'mfa_failed', method: 'mfa' },
        tag,
      );
    }
    shop.world.login(
      (t += draw(rng, MFA_FATIGUE.secondsBetween) * SECOND),
      visit,
      { ...login, outcome: 'success', method: 'mfa' },
      tag,
    );
    if (rng.chance(0.6))
      cashOut(shop, rng, visit, victim, t, tag, {
        amountMinor: [20_000, 150_000],
        orders: [1, 2],
        delayMinutes: [1, 60],
        ownCard: 0.3,
        giftCards: rng.chance(0.5),
      });
  },
);
