import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type Io } from './io';

/**
 * The CLI as a client of the gateway (the one door): GraphQL over HTTP with the department's
 * token, so every write is authenticated, authorised by the owning subgraph and in the audit trail.
 */
export interface GatewayTarget {
  url: string;
  token: string;
  /** Where the token came from, for the run's first line: `--token`, `HUISHANG_TOKEN`, the demo clients file. */
  tokenSource: string;
}

export const DEFAULT_GATEWAY_PATH = '/graphql';

/** `--gateway`, else HUISHANG_GATEWAY, else the local demo: `http://localhost:<GATEWAY_PORT or 4000>/graphql`. */
export function gatewayUrl(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = option ?? env.HUISHANG_GATEWAY ?? `http://localhost:${env.GATEWAY_PORT || 4000}${DEFAULT_GATEWAY_PATH}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--gateway ${url}: an http:// or https:// URL such as http://localhost:4000/graphql`);
  }
  return url;
}

/**
 * `--token`, else HUISHANG_TOKEN, else the department's demo token from the demo clients file
 * (HUISHANG_DEMO_CLIENTS_FILE, default .huishang/demo-clients.json, written by `npm start`).
 */
export function gatewayTarget(values: { gateway?: string; token?: string }, env: NodeJS.ProcessEnv, department: string, command: string): GatewayTarget {
  const url = gatewayUrl(values.gateway, env);
  if (values.token) return { url, token: values.token, tokenSource: '--token' };
  if (env.HUISHANG_TOKEN) return { url, token: env.HUISHANG_TOKEN, tokenSource: 'HUISHANG_TOKEN' };
  const file = resolve(env.HUISHANG_DEMO_CLIENTS_FILE ?? '.huishang/demo-clients.json');
  if (existsSync(file)) {
    try {
      const token = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { token?: string }>)[department]?.token;
      if (token) return { url, token, tokenSource: `the ${department} demo token in ${file}` };
    } catch {
      // Unreadable: the usage error below says what to do.
    }
  }
  throw new UsageError(`no token: give the ${department} department's token with --token or HUISHANG_TOKEN (the local demo's are in ${file}, written by npm start)`, command);
}

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** The gateway could not be reached or answered something that is not GraphQL: exit 3, nothing was written. */
export class GatewayUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayUnavailable';
  }
}

/** The gateway or a subgraph refused the request with GraphQL errors. */
export class GraphQLRequestError extends Error {
  constructor(readonly errors: GraphQLErrorBody[], readonly status: number) {
    super(errors.map((e) => `${e.message}${e.extensions?.code ? ` [${e.extensions.code}]` : ''}`).join('; '));
    this.name = 'GraphQLRequestError';
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/** The gateway's codes for a department that did not answer in time or could not be reached: worth asking again. */
const TRANSIENT_CODES = new Set(['SUBGRAPH_TIMEOUT', 'SUBGRAPH_UNAVAILABLE']);

/** How long one request may take: a 100,000-row commit is one request. HUISHANG_GATEWAY_TIMEOUT_MS, default 120 000. */
const timeoutMs = (env: NodeJS.ProcessEnv) => Number(env.HUISHANG_GATEWAY_TIMEOUT_MS) || 120_000;

export class GatewayClient {
  requests = 0;
  constructor(
    readonly target: GatewayTarget,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * POSTs one operation; its `data`, or GraphQLRequestError with every error of the answer. An
   * answer whose only errors are a department timing out or being unavailable (the gateway's
   * SUBGRAPH_TIMEOUT / SUBGRAPH_UNAVAILABLE, e.g. a busy machine, or its breaker open) is asked again
   * after 1, 2, 4, … s, up to HUISHANG_GATEWAY_RETRIES times (default 4): every operation the CLI
   * sends may be repeated (reads; staging a part replaces it; a commit is idempotent under its key).
   */
  async request<T>(query: string, variables: Record<string, unknown> = {}, options: { askAgain?: (error: GraphQLRequestError) => boolean } = {}): Promise<T> {
    const retries = Number.isInteger(Number(this.env.HUISHANG_GATEWAY_RETRIES)) && this.env.HUISHANG_GATEWAY_RETRIES !== undefined ? Number(this.env.HUISHANG_GATEWAY_RETRIES) : 4;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.requestOnce<T>(query, variables);
      } catch (error) {
        const transient = error instanceof GraphQLRequestError && error.errors.every((e) => TRANSIENT_CODES.has(String(e.extensions?.code)));
        if (!transient || attempt >= retries || options.askAgain?.(error) === false) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000 * 2 ** attempt));
      }
    }
  }

  private async requestOnce<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify({ query, variables });
    let response: Response;
    this.requests++;
    try {
      response = await fetch(this.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.target.token}` },
        body,
        signal: AbortSignal.timeout(timeoutMs(this.env)),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs(this.env) / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new GatewayUnavailable(
        `cannot reach the gateway at ${this.target.url} (${why}): is it running (npm start)? Give its address with --gateway or HUISHANG_GATEWAY. Nothing was written.`,
      );
    }
    const text = await response.text();
    let parsed: { data?: T | null; errors?: GraphQLErrorBody[] };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new GatewayUnavailable(`${this.target.url} answered HTTP ${response.status} with something that is not GraphQL (${text.slice(0, 200).replace(/\s+/g, ' ')}): is this the gateway's address?`);
    }
    if (parsed.errors?.length) throw new GraphQLRequestError(parsed.errors, response.status);
    if (!parsed.data) throw new GatewayUnavailable(`${this.target.url} answered HTTP ${response.status} without data or errors`);
    return parsed.data;
  }
}

/** The run's first line on stderr: where it writes, as whom. */
export function describeTarget(io: Io, target: GatewayTarget, viewer: { clientId: string; department: string; role: string } | null): void {
  io.stderr.write(`gateway ${target.url}${viewer ? `, as ${viewer.department} ${viewer.role.toLowerCase()} ${viewer.clientId}` : ''} (token from ${target.tokenSource})\n`);
}

/** An indicator as the catalogue in the graph describes it (`indicatorCatalogue { <department> { … } }`). */
export interface CatalogueEntry {
  code: string;
  name: string;
  nameEn: string;
  unit: string;
  kind: string;
  subjects: string[];
  derivation: string;
  minimum: number | null;
  maximum: number | null;
  /** Published as 1–2月: no January row (JAN_FEB_COMBINED). */
  publishedJanFeb?: boolean;
  description: string;
}

export interface Viewer {
  clientId: string;
  department: string;
  role: string;
}

/**
 * The department's catalogue and who the token is, in one request. `Query.indicatorCatalogue` is the
 * register's (industry's) root field: when only another department failed to answer it (its error
 * names that subgraph), the catalogue is asked again through the register-free entry point
 * (`withoutRegister`, README "Without the register"), so one department's clerk still reports while
 * the register is down. A department's own failure is reported as before.
 */
export async function catalogueOf(client: GatewayClient, department: string): Promise<{ viewer: Viewer; catalogue: CatalogueEntry[] }> {
  const list = `${department} { code name nameEn unit kind subjects derivation minimum maximum publishedJanFeb description }`;
  const othersOnly = (error: GraphQLRequestError) =>
    error.errors.every((e) => TRANSIENT_CODES.has(String(e.extensions?.code)) && typeof e.extensions?.subgraph === 'string' && e.extensions.subgraph !== department);
  try {
    const data = await client.request<{ viewer: Viewer; indicatorCatalogue: Record<string, CatalogueEntry[]> }>(
      `query HuishangCatalogue { viewer { clientId department role } indicatorCatalogue { ${list} } }`,
      {},
      { askAgain: (error) => !othersOnly(error) },
    );
    return { viewer: data.viewer, catalogue: data.indicatorCatalogue[department] };
  } catch (error) {
    if (!(error instanceof GraphQLRequestError) || !othersOnly(error)) throw error;
    const data = await client.request<{ viewer: Viewer; withoutRegister: { indicatorCatalogue: Record<string, CatalogueEntry[]> } }>(
      `query HuishangCatalogueWithoutRegister { viewer { clientId department role } withoutRegister { indicatorCatalogue { ${list} } } }`,
    );
    return { viewer: data.viewer, catalogue: data.withoutRegister.indicatorCatalogue[department] };
  }
}

/** The catalogue as the reader needs it (codes, and the names a sheet may use instead). */
export function catalogueNames(catalogue: CatalogueEntry[]): { has(code: string): boolean; definitions: CatalogueEntry[] } {
  const codes = new Set(catalogue.map((d) => d.code));
  return { has: (code) => codes.has(code), definitions: catalogue };
}

/** `submitEnergyObservations` → `stageEnergyObservations`, `commitEnergyUpload`. */
export function mutationNames(department: string): { stage: string; commit: string } {
  const Name = department[0].toUpperCase() + department.slice(1);
  return { stage: `stage${Name}Observations`, commit: `commit${Name}Upload` };
}
