'use strict';
/**
 * Stock @apollo/gateway as a benchmark contender: `ApolloGateway` on a supergraph file, one
 * `RemoteGraphQLDataSource` per subgraph, behind @apollo/server, on Node's own HTTP server (what
 * @apollo/server's standalone integration does, plus a /ready route for the benchmark). The only
 * additions, in the data source's `fetcher` around the default one (make-fetch-happen): each
 * subgraph request is signed for its exact body with the run's key (@huishang/schema/identity, as
 * our gateway signs), and sent once more when a pooled connection turns out closed, as ours does.
 *
 * The packages are the ones our gateway depends on (same versions, same query planner), taken
 * through their package entry points from the workspace's dependency tree.
 *
 * Environment: BENCH_SUPERGRAPH (file), BENCH_PORT, BENCH_SIGNING (JSON: privatePem, urls, identity).
 */
const http = require('node:http');
const { createPrivateKey } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');

const REPO = join(__dirname, '..', '..');
// The gateway's dependency tree: @apollo/gateway, @apollo/server and graphql as ours runs them.
const gatewayRequire = createRequire(join(REPO, 'gateway', 'package.json'));
const { ApolloGateway, RemoteGraphQLDataSource } = gatewayRequire('@apollo/gateway');
const { ApolloServer, HeaderMap } = gatewayRequire('@apollo/server');
const { IdentitySigner, IDENTITY_HEADER } = gatewayRequire('@huishang/schema/identity');

const setup = JSON.parse(process.env.BENCH_SIGNING);
const signer = new IdentitySigner(createPrivateKey(setup.privatePem));
const port = Number(process.env.BENCH_PORT);
const host = process.env.HOST || '127.0.0.1';

class SignedDataSource extends RemoteGraphQLDataSource {
  constructor(config) {
    super(config);
    const fetcher = this.fetcher;
    const name = config.name;
    const send = (url, init) => fetcher(url, { ...init, headers: { ...init.headers, [IDENTITY_HEADER]: signer.sign(setup.identity, name, init.body) } });
    // One addition besides signing, the one ours has too: a request that meets a pooled connection
    // the subgraph has just closed (idle longer than its keep-alive timeout, e.g. between this
    // gateway's turns) goes out once more, freshly signed, instead of failing ("socket hang up").
    this.fetcher = (url, init) =>
      send(url, init).catch((error) => {
        if (error?.code === 'ECONNRESET' || /socket hang up/i.test(String(error?.message))) return send(url, init);
        throw error;
      });
  }
}

async function main() {
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.BENCH_SUPERGRAPH, 'utf8'),
    buildService: ({ name, url }) => new SignedDataSource({ name, url }),
  });
  const server = new ApolloServer({ gateway });
  await server.start();

  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host ?? 'localhost'}`);
    if (url.pathname === '/ready') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ready');
      return;
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        const text = Buffer.concat(chunks).toString('utf8');
        const response = await server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: url.search, body: text ? JSON.parse(text) : undefined },
          context: async () => ({}),
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status || 200;
        if (response.body.kind === 'complete') {
          res.end(response.body.string);
        } else {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        }
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(error.message) }] }));
      }
    });
  });
  httpServer.keepAliveTimeout = 65_000;
  httpServer.listen(port, host, () => console.log(`stock @apollo/gateway listening on http://${host}:${port}/graphql`));
  const stop = () => httpServer.close(() => server.stop().finally(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
