/**
 * The coprocessor as a service: `node plugins/router-coprocessor/dist/src/main.js` (or `npm start
 * -w @huishang/router-coprocessor`). POST / speaks the router's coprocessor protocol; GET /health
 * answers 200 while the process runs. Port ROUTER_COPROCESSOR_PORT (default 4010), host
 * ROUTER_COPROCESSOR_HOST (default 127.0.0.1: beside the router, as a sidecar). The rest of the
 * environment is the gateway's: HUISHANG_GATEWAY_PRIVATE_KEY, DATABASE_URL / HUISHANG_DATA_DIR,
 * REDIS_URL, HUISHANG_RATE_LIMIT_PER_MINUTE, HUISHANG_MODE, SUPERGRAPH_PATH.
 */
import { createServer } from 'node:http';
import { StartupRefused } from '@huishang/schema/identity';
import { Coprocessor, type StagePayload } from './coprocessor';

/** The router's coprocessor requests carry the supergraph SDL when asked (`sdl: true`): allow for it. */
const MAX_BODY_BYTES = Number(process.env.ROUTER_COPROCESSOR_MAX_BODY_BYTES ?? 8_000_000);

async function main(): Promise<void> {
  const coprocessor = await Coprocessor.open();
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/ready')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', async () => {
      try {
        const answer = await coprocessor.handle(JSON.parse(Buffer.concat(chunks).toString('utf8')) as StagePayload);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      } catch (error) {
        // A non-2xx answer makes the router fail the client request: never continue unchecked.
        console.error(`router-coprocessor: ${(error as Error).message}`);
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
      }
    });
  });
  const port = Number(process.env.ROUTER_COPROCESSOR_PORT ?? 4010);
  const host = process.env.ROUTER_COPROCESSOR_HOST ?? '127.0.0.1';
  server.listen(port, host, () => console.log(`router-coprocessor: listening on http://${host}:${port}/`));
  const stop = () => server.close(() => coprocessor.close().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupRefused ? `router-coprocessor: ${error.message}` : error);
  process.exit(1);
});
