'use strict';
/**
 * The signing key pair of one benchmark run. Subgraphs answer only requests that carry the
 * gateway's signed identity (schema/src/kit/identity.ts), so every contender signs: our gateway
 * with the private key in its environment, Hive Gateway through a config plugin
 * (hive-gateway.config.cjs), and the floor here, one fresh signature per subgraph request, as a
 * gateway would.
 */
const { createPrivateKey, generateKeyPairSync } = require('node:crypto');
const { join } = require('node:path');

const REPO = join(__dirname, '..', '..');
// The shared package's entry point, from the gateway's dependency tree (bench/ is not a workspace).
const { IdentitySigner, IDENTITY_HEADER } = require('node:module').createRequire(join(REPO, 'gateway', 'package.json'))('@huishang/schema/identity');

/** Who the floor and Hive Gateway sign as: what our gateway signs for the industry demo analyst. */
const BENCH_IDENTITY = { clientId: 'cl_bench', department: 'industry', role: 'ANALYST' };

function newKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keys = {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  const signer = new IdentitySigner(createPrivateKey(keys.privatePem));
  /** Headers for one request to `subgraph` with this exact body (as `identity`: the bench's own unless given). */
  keys.headersFor = (subgraph, body, identity = BENCH_IDENTITY) => ({ [IDENTITY_HEADER]: signer.sign(identity, subgraph, body) });
  return keys;
}

module.exports = { newKeys, BENCH_IDENTITY, IDENTITY_HEADER };
