import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured logs (pino): one JSON object per line on stdout, `service`, ISO `time`, `level` as a
 * word, `msg`; each request's line adds `requestId`, `traceId` (when tracing is on), `clientId`,
 * `department`, `role`, `operationName`, `outcome`, `errorCodes` and `durationMs`. `npm start`
 * prints them as readable lines (scripts/start.js); a log collector reads them as they are.
 *
 * `LOG_LEVEL` (default `info`; `warn` drops the per-request lines, `debug` adds more).
 */
export function createLogger(service: string, env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({
    level: env.LOG_LEVEL ?? 'info',
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => traceFields(),
  });
}

/** Filled by tracing.ts when tracing is on: the active span's trace id, for every line logged inside a request. */
let activeTrace: () => string | undefined = () => undefined;

export function setTraceIdSource(source: () => string | undefined): void {
  activeTrace = source;
}

function traceFields(): Record<string, string> {
  const traceId = activeTrace();
  return traceId ? { traceId } : {};
}

/** One line per GraphQL request, the same fields at the gateway and in every subgraph. */
export interface RequestLog {
  requestId: string | undefined;
  clientId: string | null;
  department: string | null;
  role: string | null;
  operationName: string | null;
  /** OK, PARTIAL (data with errors), ERROR, or the refusal's code. */
  outcome: string;
  errorCodes: string[];
  durationMs: number;
  traceId?: string;
}

export function logRequest(logger: Logger, entry: RequestLog): void {
  logger.info(entry, 'request');
}
