import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SUBGRAPH_NAMES, subgraphUrl, type SubgraphName } from '@huishang/schema';
import { REQUEST_ID_HEADER, type GatewayContext } from './context';

/**
 * Headers the gateway itself puts on a subgraph request. Everything else is dropped: a client's
 * Authorization or Cookie is for the gateway, never for a department's service.
 */
const KEPT_HEADERS = new Set(['content-type', 'apollo-federation-include-trace']);

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/** Node's own fetch (undici) keeps connections to each subgraph alive; a hung subgraph times out. */
export function keepAliveFetcher(timeoutMs: number): Fetcher {
  return (url, init) => fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
}

/** Talks to one subgraph: the gateway's fetcher, and the request id as the only forwarded header. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<Partial<GatewayContext>> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Partial<GatewayContext>>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    const names: string[] = [];
    for (const [name] of headers) names.push(name);
    for (const name of names) if (!KEPT_HEADERS.has(name.toLowerCase())) headers.delete(name);
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

export function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(name);
}

/**
 * Where the gateway sends a subgraph's queries: `INDUSTRY_URL` & co. (default
 * http://localhost:<port>/graphql) rather than the routing URL baked into the committed
 * supergraph, so a deployment or a test moves subgraphs without recomposing. A subgraph we do not
 * know by name keeps its routing URL.
 */
export function resolveSubgraphUrl(name: string, routingUrl: string | undefined, env: NodeJS.ProcessEnv): string {
  if (isSubgraphName(name)) return subgraphUrl(name, env);
  if (routingUrl) return routingUrl;
  throw new Error(`gateway: subgraph "${name}" has no routing URL in the supergraph and is not one of ${SUBGRAPH_NAMES.join(', ')}`);
}

/** `http://host:4003/graphql` → `http://host:4003/ready`: every subgraph serves readiness beside GraphQL. */
export function readyUrl(graphqlUrl: string): string {
  return `${graphqlUrl.replace(/\/+$/, '').replace(/\/graphql$/, '')}/ready`;
}

export interface SubgraphReadiness {
  name: string;
  url: string;
  ready: boolean;
  status?: number;
  error?: string;
}

export async function checkSubgraph(name: string, graphqlUrl: string, timeoutMs: number): Promise<SubgraphReadiness> {
  const url = readyUrl(graphqlUrl);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer(); // drain, so the keep-alive connection is reusable
    return { name, url, ready: response.status === 200, status: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { name, url, ready: false, error: cause ?? (error as Error).message };
  }
}
