import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXAMPLE_QUERIES } from '../examples';
import type { DocumentStore } from './clients';

/**
 * The embedded default registers the documents its own tools send, so a demo client put in
 * safelist mode can still run them: the briefing tool's meeting pack and GraphiQL's examples.
 */
export async function registerDemoDocuments(documents: DocumentStore): Promise<void> {
  // The pack, and its fallback for when the register's department is down (sent only then).
  for (const name of ['meeting-pack', 'meeting-pack-without-register']) {
    const briefing = resolve(__dirname, '..', '..', '..', '..', 'briefing', 'queries', `${name}.graphql`);
    if (existsSync(briefing)) await documents.register(`briefing: ${name}`, readFileSync(briefing, 'utf8'));
  }
  for (const example of EXAMPLE_QUERIES) await documents.register(`graphiql: ${example.title}`, example.query);
}
