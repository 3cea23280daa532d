/**
 * The roles a gateway client can hold (huishang clients add --role). In a module of their own so
 * `@huishang/schema/core` can name them without loading the signer (identity.ts).
 *
 * AUDITOR (审计): reads every department's audit trail; writes nothing.
 */
export const CLIENT_ROLES = ['ANALYST', 'INTEGRATION', 'MEETING_MEMBER', 'ADMINISTRATOR', 'AUDITOR'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];
