/**
 * The pack's one request: the persisted document queries/meeting-pack.graphql, posted once to the
 * gateway with the month and the eleven months before it. Errors come back as `BriefingError`s
 * whose message is meant for the person at the terminal (no stack trace).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { addMonths, lastDay, parseMonth } from './months';
import { fillUnavailable, unavailableDepartments } from './degraded';
import { withheldFrom, type Withheld } from './absence';
import type { Department, MeetingPackData } from './types';

export const DOCUMENT_FILE = 'queries/meeting-pack.graphql';
export const OPERATION_NAME = 'MeetingPack';
/** Sent only when the first answer has no city because the register's department is down (degraded.ts). */
export const WITHOUT_REGISTER_FILE = 'queries/meeting-pack-without-register.graphql';
export const WITHOUT_REGISTER_OPERATION = 'MeetingPackWithoutRegister';
export const DEFAULT_CITY = '411000';

/** An error to print as it is and exit 1. */
export class BriefingError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'BriefingError';
  }
}

/** The package directory (holds package.json), from src/ under jest or dist/src/ when built. */
export function packageRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@huishang/briefing') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`@huishang/briefing's package.json not found above ${start}`);
    dir = parent;
  }
}

export interface PersistedDocument {
  path: string;
  /** The operation to run (MeetingPack unless told). */
  operationName?: string;
  text: string;
  /** sha256 of the file's bytes, hex: what a safelist records. */
  sha256: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function loadDocument(root = packageRoot(), file = DOCUMENT_FILE, operationName = OPERATION_NAME): PersistedDocument {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  return { path, operationName, text, sha256: sha256(text) };
}

/** The hash recorded next to a document (queries/meeting-pack.graphql.sha256). */
export function recordedSha256(root = packageRoot(), file = DOCUMENT_FILE): string {
  return readFileSync(join(root, `${file}.sha256`), 'utf8').trim().split(/\s+/)[0];
}

export interface PackVariables {
  city: string;
  month: string;
  year: number;
  monthEnd: string;
  asOf: string | null;
  quarterly: boolean;
  [previous: `m${string}`]: string;
}

/** $month and $m01 … $m11, the eleven months before it; $year and $monthEnd for the ledgers. */
export function packVariables(month: string, options: { city?: string; quarterly?: boolean; asOf?: string | null } = {}): PackVariables {
  const variables: PackVariables = {
    city: options.city ?? DEFAULT_CITY,
    month,
    year: parseMonth(month).year,
    monthEnd: lastDay(month),
    asOf: options.asOf ?? null,
    quarterly: options.quarterly ?? false,
  };
  for (let i = 1; i <= 11; i++) variables[`m${String(i).padStart(2, '0')}`] = addMonths(month, -i);
  return variables;
}

export interface PackResponse {
  data: MeetingPackData;
  /** The gateway's x-request-id, to quote when asking about the answer. */
  requestId: string | null;
  /** Milliseconds the request took. */
  elapsedMs: number;
  /** Departments whose service could not answer (their figures are null; degraded.ts). */
  unavailable: Department[];
  /** Figures their owners withheld from the caller (FORBIDDEN errors; absence.ts): printed 不予共享 / 未获授权. */
  withheld: Withheld[];
}

interface GraphQLErrorBody {
  message?: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

function describeError(error: GraphQLErrorBody): string {
  const code = error.extensions?.code ? `[${error.extensions.code}] ` : '';
  const path = error.path?.length ? ` (at ${error.path.join('.')})` : '';
  return `${code}${error.message ?? 'unknown error'}${path}`;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** POSTs the document once; any transport problem or GraphQL error becomes a BriefingError. */
/**
 * The briefing tool's credential: HUISHANG_TOKEN, else the industry demo client's token from the
 * embedded default's `.huishang/demo-clients.json` (the industry bureau runs the meeting).
 */
export function resolveToken(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.HUISHANG_TOKEN) return env.HUISHANG_TOKEN;
  const file = resolvePath(env.HUISHANG_DEMO_CLIENTS_FILE ?? '.huishang/demo-clients.json');
  if (!existsSync(file)) return null;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { token?: string }>).industry?.token ?? null;
  } catch {
    return null;
  }
}

export async function fetchPack(gateway: string, document: PersistedDocument, variables: PackVariables, options: { timeoutMs?: number; token?: string | null } = {}): Promise<PackResponse> {
  let url: URL;
  try {
    url = new URL(gateway);
  } catch {
    throw new BriefingError(`错误：网关地址无效：${gateway}（应为 http://主机:端口/graphql）`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BriefingError(`错误：网关地址须以 http:// 或 https:// 开头：${gateway}`);

  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'apollographql-client-name': 'huishang-briefing',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({ operationName: document.operationName ?? OPERATION_NAME, query: document.text, variables }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
  } catch (error) {
    throw new BriefingError(`错误：无法连接网关 ${gateway}（${networkReason(error)}）。请确认网关已启动（npm start），或用 --gateway 指定地址。`);
  }
  const requestId = response.headers.get('x-request-id');
  const text = await response.text().catch(() => '');
  let body: { data?: MeetingPackData | null; errors?: GraphQLErrorBody[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new BriefingError(`错误：网关 ${gateway} 返回 HTTP ${response.status}，内容不是 GraphQL 响应：${text.slice(0, 200).replace(/\s+/g, ' ')}`);
  }
  // A figure its owner withholds (FORBIDDEN at its path) is a marked gap in the pack, not a failure.
  const { withheld, others } = body.data ? withheldFrom(body.errors ?? []) : { withheld: [], others: body.errors ?? [] };
  // A department down costs its own figures: the rest of the answer makes the pack, marked 暂缺.
  const unavailable = body.data && others.length ? unavailableDepartments(others) : [];
  if (body.data && unavailable && unavailable.length) {
    return { data: fillUnavailable(body.data, unavailable), requestId, elapsedMs: Date.now() - started, unavailable, withheld };
  }
  if (others.length) {
    const lines = body.errors!.map(describeError);
    throw new BriefingError(
      `错误：网关返回 ${body.errors!.length} 个 GraphQL 错误（HTTP ${response.status}${requestId ? `，请求编号 ${requestId}` : ''}），未生成会商材料：`,
      lines,
    );
  }
  if (!response.ok || !body.data) throw new BriefingError(`错误：网关 ${gateway} 返回 HTTP ${response.status}，没有数据。`);
  return { data: body.data, requestId, elapsedMs: Date.now() - started, unavailable: [], withheld };
}
