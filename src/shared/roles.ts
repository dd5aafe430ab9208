/**
 * The kinds of caller (src/api/roles.ts says who may call what): the shop's checkout
 * (`order-flow`), the security analysts, customer service and the account portal
 * (`privacy-service`), and the admin who reads the audit trail. The audit trail records each
 * entry's role, so the list lies here, below the API.
 */
export const ROLES = ['order-flow', 'analyst', 'privacy-service', 'admin'] as const;
export type Role = (typeof ROLES)[number];
