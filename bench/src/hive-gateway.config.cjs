'use strict';
/**
 * Hive Gateway's config in a benchmark run (copied into the run directory, which is its working
 * directory): a plugin signing each subgraph request the way our gateway does, so Hive Gateway
 * reaches the same subgraphs on the same terms. BENCH_SIGNING names the key and the subgraph URLs.
 */
const { createPrivateKey } = require('node:crypto');

const setup = JSON.parse(process.env.BENCH_SIGNING);
// @huishang/schema/identity, resolved by the benchmark (this file is copied outside the repository's tree).
const { IdentitySigner, IDENTITY_HEADER } = require(process.env.BENCH_IDENTITY_MODULE);
const signer = new IdentitySigner(createPrivateKey(setup.privatePem));
const byUrl = new Map(Object.entries(setup.urls).map(([name, url]) => [url, name]));

// A plain object: defineConfig only types it, and this file lives outside bench/node_modules.
exports.gatewayConfig = {
  plugins: () => [
    {
      onFetch({ url, options, setOptions }) {
        const subgraph = byUrl.get(String(url));
        if (!subgraph) return;
        const body = typeof options.body === 'string' ? options.body : Buffer.from(options.body ?? '');
        const signature = signer.sign(setup.identity, subgraph, body);
        const headers = options.headers;
        if (headers && typeof headers.set === 'function') headers.set(IDENTITY_HEADER, signature);
        else setOptions({ ...options, headers: { ...(headers || {}), [IDENTITY_HEADER]: signature } });
      },
    },
  ],
};
