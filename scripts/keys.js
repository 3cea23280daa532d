#!/usr/bin/env node
/**
 * A new signing key pair for the gateway, as environment lines for docker compose's `.env`:
 *   node scripts/keys.js > .env      (then `docker compose up --build`)
 * The gateway gets the private key; the subgraphs only the public one, to check signatures.
 * Standalone (node:crypto only), because it runs on a host that may not have built the project;
 * `npm start` uses ensureSigningKeys (schema/src/kit/identity.ts) instead.
 */
const { generateKeyPairSync } = require('node:crypto');

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const line = (name, pem) => `${name}="${pem.trim().replace(/\n/g, '\\n')}"`;
process.stdout.write(
  [
    line('HUISHANG_GATEWAY_PRIVATE_KEY', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    line('HUISHANG_GATEWAY_PUBLIC_KEY', publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    '',
  ].join('\n'),
);
