import { accountTakeover } from './behaviour/account-takeover.ts';
import { addressChangeAfterSignIn } from './behaviour/address-change-after-sign-in.ts';
import { amountAboveHistory } from './behaviour/amount-above-history.ts';
import { botCadence } from './behaviour/bot-cadence.ts';
import { botUserAgent } from './behaviour/bot-user-agent.ts';
import { bruteForce } from './behaviour/brute-force.ts';
import { cardTesting } from './behaviour/card-testing.ts';
import { cardTestingFreshAccounts } from './behaviour/card-testing-fresh-accounts.ts';
import { carriedSuspicion } from './behaviour/carried-suspicion.ts';
import { credentialStuffing } from './behaviour/credential-stuffing.ts';
import { distributedScraping } from './behaviour/distributed-scraping.ts';
import { deviceManyAccounts } from './behaviour/device-many-accounts.ts';
import { failureSurge } from './behaviour/failure-surge.ts';
import { fakeCrawler } from './behaviour/fake-crawler.ts';
import { freshAccountCardTest } from './behaviour/fresh-account-card-test.ts';
import { knownClient } from './behaviour/known-client.ts';
import { loginRisk } from './behaviour/login-risk.ts';
import { mfaFatigue } from './behaviour/mfa-fatigue.ts';
import { newAccountHighValue } from './behaviour/new-account-high-value.ts';
import { newAccountsSharedSource } from './behaviour/new-accounts-shared-source.ts';
import { newAddressHighValue } from './behaviour/new-address-high-value.ts';
import { newDevice } from './behaviour/new-device.ts';
import { orderVelocity } from './behaviour/order-velocity.ts';
import { passwordSpraying } from './behaviour/password-spraying.ts';
import { probing } from './behaviour/probing.ts';
import { requestFlood } from './behaviour/request-flood.ts';
import { reshipping } from './behaviour/reshipping.ts';
import { ringSession } from './behaviour/ring-session.ts';
import { scriptedLogins } from './behaviour/scripted-logins.ts';
import { sessionReplay } from './behaviour/session-replay.ts';
import { smallOrderBurst } from './behaviour/small-order-burst.ts';
import { stuffingWave } from './behaviour/stuffing-wave.ts';
import { successAfterFailures } from './behaviour/success-after-failures.ts';
import { takeoverSignIn } from './behaviour/takeover-sign-in.ts';
import { countryMismatch } from './ip/country-mismatch.ts';
import { failureBurst } from './ip/failure-burst.ts';
import { hostingNetwork } from './ip/hosting-network.ts';
import { impossibleTravel } from './ip/impossible-travel.ts';
import { ipManyAccounts } from './ip/ip-many-accounts.ts';
import { newCountry } from './ip/new-country.ts';
import { nonPublicIp } from './ip/non-public-ip.ts';
import type { Rule, RuleSettings } from './rule.ts';

/** The ruleset: every rule Vigil evaluates, in the order their reasons are listed. */
export const RULES: readonly Rule<RuleSettings>[] = [
  // IP rules
  hostingNetwork,
  nonPublicIp,
  countryMismatch,
  newCountry,
  impossibleTravel,
  ipManyAccounts,
  failureBurst,
  // Behaviour rules
  bruteForce,
  credentialStuffing,
  failureSurge,
  stuffingWave,
  passwordSpraying,
  successAfterFailures,
  mfaFatigue,
  scriptedLogins,
  loginRisk,
  takeoverSignIn,
  newDevice,
  deviceManyAccounts,
  newAccountsSharedSource,
  orderVelocity,
  cardTesting,
  cardTestingFreshAccounts,
  freshAccountCardTest,
  smallOrderBurst,
  newAccountHighValue,
  newAddressHighValue,
  reshipping,
  amountAboveHistory,
  accountTakeover,
  addressChangeAfterSignIn,
  sessionReplay,
  botUserAgent,
  fakeCrawler,
  knownClient,
  botCadence,
  requestFlood,
  distributedScraping,
  probing,
  carriedSuspicion,
  ringSession,
] as readonly Rule<RuleSettings>[];
