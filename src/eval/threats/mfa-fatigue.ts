import { LOGIN_PATH } from '../clients.ts';
import type { ThreatFamily } from '../family.ts';
import { SECOND, type Visit, attack } from '../model.ts';
import { draw, drawInt } from '../random.ts';
import { attackerDevice, incidentStart, residentialIp } from './common.ts';
import { cashOut } from './takeover.ts';

export const MFA_FATIGUE = { pushes: [4, 25], secondsBetween: [20, 180] } as const;

/**
 * MFA fatigue (MITRE ATT&CK T1621) in the contract's two-step encoding: the password step
 * succeeds (`method` `password`), then push after push is refused (`method` `mfa`, `mfa_failed`)
 * until the worn-down customer approves one; then the account is looted or left for later.
 */
export const mfaFatigue: ThreatFamily = {
  name: 'mfa_fatigue',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const [victim] = shop.victims(rng, 1);
    if (!victim) return;
    const device = attackerDevice(rng);
    const visit: Visit = {
      ip: residentialIp(rng),
      userAgent: device.userAgent,
      deviceId: device.id,
      sessionId: `s-${rng.hex(18)}`,
      customerId: victim.id,
    };
    const login = { username: victim.username };
    let t = incidentStart(shop, rng, 6 * 3_600_000);
    shop.world.browse(t, { ...visit, customerId: undefined }, LOGIN_PATH, 'page', tag);
    shop.world.login(
      (t += rng.between(5, 30) * SECOND),
      visit,
      { ...login, outcome: 'success', method: 'password' },
      tag,
    );
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
};
