import type { Problem, SubmissionOutcome as ServerSubmissionOutcome } from '@huishang/schema';
import { rowProblems, type BuiltBatch, type RowProblem } from './batch';
import { GatewayUnavailable, GraphQLRequestError, mutationNames, type GatewayClient } from './gateway';

/**
 * A read batch sent through the gateway as a staged upload: the rows in parts
 * (`stage<Dept>Observations`), then one commit (`commit<Dept>Upload`) that the department's
 * subgraph checks and applies all together or not at all. Shared by `huishang import` and the
 * reporting page (bundled for the browser: no Node module here, only what the page has too).
 */

/** The batch's header (StagedBatchInput): everything but the rows. */
export interface BatchHeader {
  idempotencyKey: string;
  month: string;
  reportedBy: string;
  status: 'PRELIMINARY' | 'FINAL';
  acceptOutliers?: { reason: string };
}

/** A figure of a later month the batch left awaiting re-reporting (待重报): SubmissionResult.staleObservations. */
export interface StaleFigure {
  indicator: string;
  subjectCode: string;
  month: string;
  ytdValue: number | null;
  impliedYtdValue: number | null;
  /** ytdValue, and ytdYoyPct where the department reported it. */
  staleFields: string[];
}

/** What a commit answers: the server's outcome (`submitBatch`) as the CLI asks for it, without the batch's own figures. */
export type SubmissionOutcome = Omit<ServerSubmissionOutcome, 'recomputed' | 'observations' | 'stale'> & { staleObservations: StaleFigure[] };

export const OUTCOME_FIELDS = 'submissionId idempotencyKey replayed dryRun created updated revised unchanged staleObservations { indicator subjectCode month ytdValue impliedYtdValue staleFields }';

export interface UploadOptions {
  /** Check only: the subgraph validates every row and writes nothing. */
  dryRun: boolean;
  /** At most this many bytes of JSON rows a part (the gateway's body limit is MAX_REQUEST_BYTES, 256 000). */
  partBytes: number;
  /** Parts in flight at once. */
  concurrency: number;
  /** A fresh id per upload: parts of an earlier, interrupted upload are never mixed in. */
  uploadId: string;
  onStaged?: (sentRows: number, totalRows: number) => void;
  onCommitting?: (dryRun: boolean) => void;
}

export type UploadVerdict =
  | { kind: 'done'; outcome: SubmissionOutcome }
  /** Every problem of the file, in its terms (row, column, value, reason, code); nothing was written. */
  | { kind: 'refused'; problems: RowProblem[] }
  /** The key was used before for other content. */
  | { kind: 'conflict'; idempotencyKey: string };

/** The parts went up but the commit got no verdict (a timeout, a lost connection): it may or may not have been applied. */
export class CommitUnknown extends Error {
  constructor(readonly cause: Error, readonly idempotencyKey: string) {
    super(cause.message);
    this.name = 'CommitUnknown';
  }
}

/** The observations in parts of at most `limit` bytes of JSON each, in file order. */
export function splitParts<T>(rows: T[], limit: number): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (current.length && size + bytes > limit) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length) parts.push(current);
  return parts;
}

/** Problems that come only from the second stage of the subgraph's checks (history, plausibility), after the shape of every row passed. */
const lateProblem = (p: Problem) => p.code === 'STATUS_REGRESSION' || p.confirmable === true;

/**
 * Stages and commits `built` for `department`. Rows with a cell problem found while reading (an
 * empty required cell, a cell that is not a number) are not sent; the rest are still checked by the
 * subgraph, as a dry run, so one refusal lists every problem. When the subgraph refuses rows for
 * their shape (unit, code, …) — which stops it before it compares figures with their history — the
 * well-formed rows are checked once more, so the history and plausibility problems (SCALE_SLIP, …)
 * come in the same table rather than after the first ones are fixed. Throws GatewayUnavailable /
 * GraphQLRequestError for refusals of the request itself (token, rights, limits), CommitUnknown
 * when the commit got no verdict.
 */
export async function uploadBatch(client: GatewayClient, department: string, built: BuiltBatch, header: BatchHeader, options: UploadOptions): Promise<UploadVerdict> {
  const cellProblems: Problem[] = [...built.notANumber.keys()].map((key) => {
    const [index, field] = key.split('|');
    return { index: Number(index), field, value: (built.observations[Number(index)] as unknown as Record<string, unknown>)[field], code: 'NOT_A_NUMBER', reason: 'not a number' };
  });
  // Rows whose required cells cannot be sent stay here; a figure that is not a number goes as empty, so the rest of its row is checked.
  const held = built.blocked;
  const withoutBad = cellProblems.length
    ? built.observations.map((o, index) => {
        const copy = { ...o };
        for (const field of ['value', 'ytdValue', 'yoyPct', 'ytdYoyPct'] as const) if (built.notANumber.has(`${index}|${field}`)) copy[field] = null;
        return copy;
      })
    : built.observations;
  const sendable = { ...built, observations: withoutBad };
  const refused = (server: Problem[]): UploadVerdict => ({
    kind: 'refused',
    problems: [...rowProblems([...cellProblems, ...server], built), ...built.cellProblems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
  });
  const send = built.observations.map((_, i) => i).filter((i) => !held.has(i));
  if (send.length === 0) return refused([]);
  const dryRun = options.dryRun || held.size > 0 || cellProblems.length > 0;
  const first = await stageAndCommit(client, department, sendable, send, header, { ...options, dryRun });
  if (first.kind === 'done') return held.size || cellProblems.length ? refused([]) : first;
  if (first.kind === 'conflict') return first;
  // Refused for the rows' shape only: check the well-formed rest against their history too.
  let server = first.problems;
  const refusedRows = new Set(server.map((p) => p.index));
  if (!server.some(lateProblem) && !refusedRows.has(null)) {
    const rest = send.filter((i) => !refusedRows.has(i));
    if (rest.length) {
      const second = await stageAndCommit(client, department, sendable, rest, header, { ...options, dryRun: true, uploadId: `${options.uploadId}.2`.slice(0, 128) });
      if (second.kind === 'refused') server = [...server, ...second.problems];
    }
  }
  return refused(server);
}

type ServerVerdict = { kind: 'done'; outcome: SubmissionOutcome } | { kind: 'refused'; problems: Problem[] } | { kind: 'conflict'; idempotencyKey: string };

/** Stages the rows `send` (indices into `built.observations`) and commits them; problems come back indexed into `built.observations`. */
async function stageAndCommit(client: GatewayClient, department: string, built: BuiltBatch, send: number[], header: BatchHeader, options: UploadOptions): Promise<ServerVerdict> {
  const names = mutationNames(department);
  const observations = send.map((i) => built.observations[i]);
  const parts = splitParts(observations, options.partBytes);
  const rows = built.observations.length;
  let sent = 0;
  let next = 0;
  // A few parts in flight at once: the gateway, the subgraph and the database each work while the others wait.
  const stageParts = async () => {
    while (next < parts.length) {
      const i = next++;
      await client.request(
        `mutation HuishangStage($uploadId: String!, $part: Int!, $month: String, $observations: [ObservationInput!]!) { ${names.stage}(uploadId: $uploadId, part: $part, month: $month, observations: $observations) { stagedRows } }`,
        { uploadId: options.uploadId, part: i + 1, month: header.month, observations: parts[i] },
      );
      sent += parts[i].length;
      options.onStaged?.(sent, rows);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, parts.length) }, stageParts));
  options.onCommitting?.(options.dryRun);
  // The subgraph's indices are into the rows sent: back to the file's, in the reasons too (DUPLICATE_ROW names the other row).
  const toFile = (p: Problem): Problem => ({
    ...p,
    index: p.index === null ? null : send[p.index],
    reason: p.reason.replace(/observations\[(\d+)\]/g, (_, k: string) => `row ${built.rowNumbers[send[Number(k)]] ?? `?`}`),
  });
  try {
    // A large batch answers `pending` while the subgraph is still at it: ask again (it is applied once) until it answers.
    for (;;) {
      const data = await client.request<Record<string, { pending: boolean; submission: SubmissionOutcome | null }>>(
        `mutation HuishangCommit($uploadId: String!, $parts: Int!, $batch: StagedBatchInput!, $dryRun: Boolean!) { ${names.commit}(uploadId: $uploadId, parts: $parts, batch: $batch, dryRun: $dryRun) { pending submission { ${OUTCOME_FIELDS} } } }`,
        { uploadId: options.uploadId, parts: parts.length, batch: header, dryRun: options.dryRun },
      );
      const answer = data[names.commit];
      if (!answer.pending && answer.submission) return { kind: 'done', outcome: answer.submission };
    }
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.code === 'BAD_USER_INPUT' && Array.isArray(error.errors[0].extensions?.problems)) {
      return { kind: 'refused', problems: (error.errors[0].extensions!.problems as Problem[]).map(toFile) };
    }
    if (error instanceof GraphQLRequestError && error.code === 'IDEMPOTENCY_CONFLICT') return { kind: 'conflict', idempotencyKey: header.idempotencyKey };
    if (error instanceof GatewayUnavailable || error instanceof GraphQLRequestError) throw new CommitUnknown(error, header.idempotencyKey);
    throw error;
  }
}
