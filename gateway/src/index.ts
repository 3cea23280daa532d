import { createLogger, migrateMode } from '@huishang/schema';
import { openAccessDatabase } from './access/clients';
import { startGateway } from './gateway';

/** `node gateway/dist/src/index.js`: everything is configured through the environment (see README). */
async function main(): Promise<void> {
  const started = Date.now();
  if (migrateMode() === 'only') {
    // The migration job: the access database (clients, documents, audit trail), then exit.
    await (await openAccessDatabase()).close();
    console.log(`gateway: access database migrated in ${Date.now() - started} ms (HUISHANG_MIGRATE=only: not serving)`);
    process.exit(0);
  }
  const gateway = await startGateway({ env: process.env });
  createLogger('gateway').info(
    { url: gateway.url, startMs: Date.now() - started, subgraphs: Object.fromEntries(gateway.subgraphs) },
    `ready at ${gateway.url} in ${Date.now() - started} ms (GraphiQL at ${gateway.url.replace(/\/graphql$/, '/')}, reporting page 报送页面 at ${gateway.url.replace(/\/graphql$/, '/report')})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
