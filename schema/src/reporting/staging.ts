import { Entity, Index, PrimaryKey, Property, Unique, type EntityManager } from '@mikro-orm/core';
import { raw, type Knex, type SqlEntityManager } from '@mikro-orm/knex';
import { GraphQLError } from 'graphql';
import { Writes, WriteRule } from '../kit/authorization';
import { Arg, Ctx, Directive, Field, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { badUserInput, ErrorCode } from '../errors';
import { parseMonth } from '../identifiers';
import { kitEntityManager, type SubgraphContext } from '../kit/context';
import { PortableMigration } from '../kit/database';
import { batchError, ObservationInput, StagedBatchInput, SubmissionResult } from './graphql';
import { BatchRejectedError, IdempotencyConflictError, replayCommitted, submitBatch, type ObservationInputRow, type ReportingDepartment } from './submit';

/**
 * Staged uploads (分批上传): a batch too large for one request (the gateway's body limit,
 * MAX_REQUEST_BYTES, 256 000 by default, holds about 1,500 rows) goes up in parts under one upload
 * id, then one commit submits them as a single batch through `submitBatch` — all or nothing,
 * idempotent under the batch's key, exactly as the one-request mutation. Parts are kept in the
 * department's own database, so any replica can take any part and the commit; a part staged again
 * replaces the earlier copy (a retried request changes nothing), and parts older than
 * UPLOAD_PART_TTL_HOURS are dropped by the next upload.
 */
@Entity({ tableName: 'upload_part' })
@Unique({ name: 'upload_part_unique', properties: ['uploadId', 'part'] })
@Index({ name: 'upload_part_staged_index', properties: ['stagedAt'] })
export class UploadPartRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 128 })
  uploadId!: string;

  /** 1, 2, …: the commit concatenates the parts in this order. */
  @Property({ type: 'integer' })
  part!: number;

  /** Client id of who staged it: only the same client may stage more or commit. */
  @Property({ type: 'string', length: 64 })
  clientId!: string;

  @Property({ type: 'integer' })
  rowCount!: number;

  /** The month the part said it was for (`stage…(month:)`), when it said one: the commit must name the same. */
  @Property({ type: 'string', length: 7, nullable: true })
  month?: string | null;

  /** The part's observations as JSON (ObservationInputRow[]). */
  @Property({ type: 'text' })
  rows!: string;

  @Property({ type: 'datetime' })
  stagedAt!: Date;
}

export const UPLOAD_PART_TTL_HOURS = 24;

/**
 * What one client may hold staged and not yet committed, over all its uploads (settings):
 * HUISHANG_UPLOAD_QUOTA_PARTS parts (default 1,000) and HUISHANG_UPLOAD_QUOTA_CHARS characters of
 * rows (default 50,000,000; a 100,000-row import stages about 11,500,000 in 58 parts). Without
 * it a client could fill the department's database with parts it never commits, within its rate
 * limit, for a day. A part beyond it is refused with UPLOAD_QUOTA_EXCEEDED.
 */
export function uploadQuota(env: NodeJS.ProcessEnv = process.env): { parts: number; chars: number } {
  const setting = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return { parts: setting('HUISHANG_UPLOAD_QUOTA_PARTS', 1_000), chars: setting('HUISHANG_UPLOAD_QUOTA_CHARS', 50_000_000) };
}

/** The `upload_part` table (UploadPartRecord). */
export function createUploadPartTable(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema.createTable('upload_part', (t) => {
    t.increments('id').primary();
    t.string('upload_id', 128).notNullable();
    t.integer('part').notNullable();
    t.string('client_id', 64).notNullable();
    t.integer('row_count').notNullable();
    t.text('rows').notNullable();
    t.datetime('staged_at', { useTz: true }).notNullable();
    t.unique(['upload_id', 'part'], { indexName: 'upload_part_unique' });
    t.index(['staged_at'], 'upload_part_staged_index');
  });
}

/** The kit's `upload_part` table: added to every subgraph after its own migrations. */
export class Migration20261130000000StagedUploads extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => createUploadPartTable(s));
  }
}

/** A part's month, so a commit naming another month is refused (it went to the commit's month, whatever the parts said). */
export class Migration20261201100000UploadPartMonth extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => s.alterTable('upload_part', (t) => t.string('month', 7).nullable()));
  }
}

@Directive('@shareable')
@ObjectType({ description: 'A part of a staged upload, as stored (分批上传).' })
export class StagedPart {
  @Field()
  uploadId: string;
  @Field(() => Int)
  part: number;
  @Field(() => Int, { description: 'Rows in this part.' })
  rows: number;
  @Field(() => Int, { description: 'Parts staged under this upload id so far.' })
  stagedParts: number;
  @Field(() => Int, { description: 'Rows staged under this upload id so far.' })
  stagedRows: number;
}

@Directive('@shareable')
@ObjectType({ description: 'Where the commit of a staged upload stands: done (with the submission) or still being applied (ask again with the same arguments).' })
export class UploadCommit {
  @Field({ description: 'Still being checked and written: send the same commit again to wait for it (it is applied once).' })
  pending: boolean;
  @Field(() => SubmissionResult, { nullable: true, description: 'What the batch did; null while pending.' })
  submission: SubmissionResult | null;
}

/**
 * How long one commit request waits for the batch before answering `pending: true`
 * (HUISHANG_COMMIT_WAIT_MS, default 3 000): below the gateway's subgraph timeout (SUBGRAPH_TIMEOUT_MS, 5 000)
 * (SUBGRAPH_TIMEOUT_MS, 30 000), so a 100,000-row batch on a slow machine is never cut off
 * half-answered — the client asks again and gets the same batch's outcome.
 */
const commitWaitMs = () => Number(process.env.HUISHANG_COMMIT_WAIT_MS) || 3_000;

const UPLOAD_ID = /^[\x21-\x7e]{1,128}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function badUpload(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, field } });
}

function checkUploadId(uploadId: string): void {
  if (!UPLOAD_ID.test(uploadId)) throw badUpload('uploadId', `uploadId must be 1 to 128 printable ASCII characters without spaces, got ${JSON.stringify(uploadId.slice(0, 140))}`);
}

const clientOf = (ctx: SubgraphContext) => ctx.access.identity?.clientId ?? 'in-process';

async function ownParts(em: EntityManager, uploadId: string, clientId: string): Promise<UploadPartRecord[]> {
  const parts = await em.find(UploadPartRecord, { uploadId }, { orderBy: { part: 'asc' }, disableIdentityMap: true });
  const other = parts.find((p) => p.clientId !== clientId);
  if (other) throw new GraphQLError(`upload ${uploadId} was staged by another client: choose another uploadId`, { extensions: { code: ErrorCode.Forbidden, field: 'uploadId' } });
  return parts;
}

export interface StagingOptions {
  department: ReportingDepartment;
  /** `stageEnergyObservations`, … */
  stageName: string;
  /** `commitEnergyUpload`, … */
  commitName: string;
}

/** `stageEnergyObservations` and `commitEnergyUpload` for a subgraph whose own mutation is `submitEnergyObservations`. */
export function stagingNames(submitMutationName: string): { stageName: string; commitName: string } {
  const department = /^submit(.+)Observations$/.exec(submitMutationName)?.[1] ?? submitMutationName;
  return { stageName: `stage${department}Observations`, commitName: `commit${department}Upload` };
}

/** The two mutations of a staged upload, for a department's own figures (its clients only, as the one-request mutation). */
export function stagingResolvers(options: StagingOptions): Function[] {
  const { department } = options;

  @Resolver()
  class StagingResolver {
    @Writes(WriteRule.OWNER)
    @Mutation(() => StagedPart, {
      // Nullable: in a document of several writes, a refused one nulls itself only (schema/test/nullability.test.ts).
      nullable: true,
      name: options.stageName,
      description: `Stage one part of a large ${department.name} batch (分批上传): parts are numbered from 1; staging a part again replaces it. Nothing is checked or written to the figures until \`${options.commitName}\`.`,
    })
    async stage(
      @Arg('uploadId', { description: 'Chosen by the client (1–128 printable characters), the same for every part and the commit.' }) uploadId: string,
      @Arg('part', () => Int, { description: 'Part number, 1, 2, …' }) part: number,
      @Arg('observations', () => [ObservationInput], { description: 'This part’s rows, in file order (each part at most the staging limit; the parts together make the batch).' }) observations: ObservationInput[],
      @Ctx() ctx: SubgraphContext,
      @Arg('month', () => String, { nullable: true, description: 'The month (YYYY-MM) the upload is for (optional; the audit trail of the part carries it). A commit whose batch names another month is refused (BAD_USER_INPUT, `batch.month`) and applies nothing. Another form is refused (BAD_USER_INPUT). A String, not the Month scalar, so clients declaring `$month: String` keep working.' })
      month?: string | null,
    ): Promise<StagedPart> {
      checkUploadId(uploadId);
      if (month != null) {
        try {
          parseMonth(month);
        } catch (error) {
          throw badUserInput('month', (error as Error).message);
        }
      }
      // The audit trail of the part: its month and indicators (not its enterprises: a part holds up to a thousand).
      if (month) ctx.access.reads.months.add(month);
      for (const o of observations) if (typeof o.indicator === 'string' && o.indicator.length <= 64) ctx.access.reads.indicators.add(o.indicator);
      if (!Number.isInteger(part) || part < 1 || part > 100_000) throw badUpload('part', `part must be a whole number from 1 to 100000, got ${part}`);
      const clientId = clientOf(ctx);
      const now = new Date();
      // The kit's own handle: the quota below is one SQL aggregate over the staged parts (not figures).
      return kitEntityManager(ctx.em).fork().transactional(async (tx) => {
        await ownParts(tx, uploadId, clientId);
        await tx.nativeDelete(UploadPartRecord, { stagedAt: { $lt: new Date(now.getTime() - UPLOAD_PART_TTL_HOURS * 3_600_000) } });
        await tx.nativeDelete(UploadPartRecord, { uploadId, part });
        const rows = JSON.stringify(observations);
        const quota = uploadQuota();
        const [held] = await (tx as SqlEntityManager)
          .createQueryBuilder(UploadPartRecord)
          .select([raw('count(*) as parts'), raw('coalesce(sum(length("rows")), 0) as chars')])
          .where({ clientId })
          .execute<{ parts: unknown; chars: unknown }[]>('all');
        const [parts, chars] = [Number(held.parts), Number(held.chars)];
        if (parts + 1 > quota.parts || chars + rows.length > quota.chars) {
          throw new GraphQLError(
            `client ${clientId} already holds ${parts.toLocaleString('en-US')} staged parts (${chars.toLocaleString('en-US')} characters) not yet committed; this part would pass its quota of ${quota.parts.toLocaleString('en-US')} parts and ${quota.chars.toLocaleString('en-US')} characters (HUISHANG_UPLOAD_QUOTA_PARTS, HUISHANG_UPLOAD_QUOTA_CHARS): commit the uploads it has begun (a commit, even a refused one, removes their parts), or wait ${UPLOAD_PART_TTL_HOURS} h for abandoned parts to expire`,
            { extensions: { code: ErrorCode.UploadQuotaExceeded, field: 'observations', stagedParts: parts, stagedChars: chars, quotaParts: quota.parts, quotaChars: quota.chars } },
          );
        }
        await tx.insert(UploadPartRecord, { uploadId, part, clientId, rowCount: observations.length, month: month ?? null, rows, stagedAt: now });
        const staged = await tx.find(UploadPartRecord, { uploadId }, { fields: ['rowCount'], disableIdentityMap: true });
        return Object.assign(new StagedPart(), {
          uploadId,
          part,
          rows: observations.length,
          stagedParts: staged.length,
          stagedRows: staged.reduce((n, p) => n + p.rowCount, 0),
        });
      });
    }

    @Writes(WriteRule.OWNER)
    @Mutation(() => UploadCommit, {
      // Nullable: in a document of several writes, a refused one nulls itself only (schema/test/nullability.test.ts).
      nullable: true,
      name: options.commitName,
      description: `Submit the staged parts 1…parts of an upload as one ${department.name} batch: validated, all or nothing, idempotent under the batch's key, as the one-request mutation. Problems are indexed over the parts in order. A large batch may answer \`pending: true\`: send the same commit again until it answers the submission. The parts are removed once the batch has a verdict (applied, checked or refused).`,
    })
    async commit(
      @Arg('uploadId', { description: 'The upload the parts were staged under (as given to each stage call).' }) uploadId: string,
      @Arg('parts', () => Int, { description: 'How many parts the client staged: a missing part is refused, not skipped.' }) parts: number,
      @Arg('batch', () => StagedBatchInput, { description: 'The batch’s header (key, month, who reports, status): its rows are the staged parts, in order.' }) batch: StagedBatchInput,
      @Arg('dryRun', () => Boolean, { defaultValue: false, description: 'Validate only; write no figures.' }) dryRun: boolean,
      @Ctx() ctx: SubgraphContext,
    ): Promise<UploadCommit> {
      checkUploadId(uploadId);
      // The audit trail of the commit carries the batch's month (huishang audit export --month finds imports).
      if (MONTH.test(batch.month)) ctx.access.reads.months.add(batch.month);
      const clientId = clientOf(ctx);
      const key = `${clientId}|${uploadId}|${batch.idempotencyKey}|${dryRun}`;
      let running = inFlight.get(key);
      if (!running) {
        // Started on the next turn of the event loop, after the timer below: the answer can be `pending` even when the work begins with a long synchronous stretch.
        running = new Promise<void>((resolve) => setImmediate(resolve)).then(() => applyUpload(ctx, uploadId, parts, batch, dryRun, clientId));
        inFlight.set(key, running);
        // Kept for a client that comes back for the verdict; dropped once it has been given, or after an hour.
        const forget = setTimeout(() => inFlight.delete(key), 3_600_000);
        forget.unref();
        running.catch(() => undefined);
      }
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        running.then(
          (submission) => ({ submission }),
          (error: unknown) => ({ error }),
        ),
        new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), commitWaitMs()))),
      ]);
      clearTimeout(timer);
      if (waited === 'pending') return Object.assign(new UploadCommit(), { pending: true, submission: null });
      inFlight.delete(key);
      if ('error' in waited) throw batchError(waited.error);
      // The commit's audit record names the submission it made (or replayed).
      if (waited.submission.submissionId != null && !waited.submission.dryRun) ctx.access.reads.submissions.add(waited.submission.submissionId);
      return Object.assign(new UploadCommit(), { pending: false, submission: waited.submission });
    }
  }

  /** Commits in progress in this process, by client, upload, key and mode: a repeated commit waits for the same one. */
  const inFlight = new Map<string, Promise<SubmissionResult>>();

  async function applyUpload(ctx: SubgraphContext, uploadId: string, parts: number, batch: StagedBatchInput, dryRun: boolean, clientId: string): Promise<SubmissionResult> {
    const staged = await ownParts(ctx.em.fork(), uploadId, clientId);
    const numbers = staged.map((p) => p.part);
    const missing = Array.from({ length: Math.max(parts, 0) }, (_, i) => i + 1).filter((n) => !numbers.includes(n));
    const extra = numbers.filter((n) => n > parts);
    // Nothing staged and the key already committed for this month: the same commit again, after its verdict.
    if (!dryRun && numbers.length === 0) {
      const replayed = await replayCommitted(kitEntityManager(ctx.em), batch.idempotencyKey, batch.month);
      if (replayed) return SubmissionResult.from(department.catalogue, replayed, ctx.access);
    }
    if (!Number.isInteger(parts) || parts < 1 || missing.length || extra.length) {
      throw badUpload(
        'parts',
        `upload ${uploadId} holds parts ${numbers.join(', ') || 'none'}; the commit expects 1 to ${parts}` +
          (missing.length ? `: part ${missing.slice(0, 10).join(', ')} missing, stage ${missing.length === 1 ? 'it' : 'them'} (again)` : '') +
          (extra.length ? `: parts ${extra.join(', ')} beyond ${parts}` : ''),
      );
    }
    // A part staged for another month than the commit's would have gone in under the commit's month.
    const otherMonth = staged.filter((p) => p.month && p.month !== batch.month);
    if (otherMonth.length) {
      const months = [...new Set(otherMonth.map((p) => p.month))].join(', ');
      throw badUpload(
        'batch.month',
        `upload ${uploadId}: part ${otherMonth.map((p) => p.part).slice(0, 10).join(', ')} was staged for ${months}, the commit names ${batch.month}: commit with month ${months} if that is the month the figures are for, or stage the parts again for ${batch.month}. Nothing was applied; the parts are kept`,
      );
    }
    const observations: ObservationInputRow[] = [];
    for (const part of staged) {
      for (const row of JSON.parse(part.rows) as ObservationInputRow[]) observations.push(row);
      // SQLite's driver is synchronous: let waiting requests (a `pending` answer) through between parts.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Once the batch has a verdict (applied, checked, refused), the parts have served: a new attempt stages again.
    const done = () => ctx.em.fork().nativeDelete(UploadPartRecord, { uploadId });
    try {
      const outcome = await submitBatch(kitEntityManager(ctx.em), department, { ...batch, observations }, { dryRun });
      await done();
      return SubmissionResult.from(department.catalogue, outcome, ctx.access);
    } catch (error) {
      if (error instanceof BatchRejectedError || error instanceof IdempotencyConflictError) await done();
      throw error;
    }
  }

  return [StagingResolver];
}
