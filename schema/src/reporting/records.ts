import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * One accepted batch (报送批次). Its client-supplied idempotency key is unique: re-sending the same
 * batch finds it and changes nothing.
 */
@Entity({ tableName: 'submission' })
@Unique({ name: 'submission_key_unique', properties: ['idempotencyKey'] })
export class SubmissionRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 128 })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 7 })
  month!: string;

  /** SHA-256 of the batch as submitted: the same key with other content is a conflict, not a replay. */
  @Property({ type: 'string', length: 64 })
  payloadHash!: string;

  @Property({ type: 'string', length: 64 })
  reportedBy!: string;

  @Property({ type: 'datetime' })
  receivedAt!: Date;

  @Property({ type: 'integer' })
  created!: number;

  @Property({ type: 'integer' })
  updated!: number;

  @Property({ type: 'integer' })
  revised!: number;

  @Property({ type: 'integer' })
  unchanged!: number;
}

/**
 * The enterprises a department knows (its own register of reporting units): a figure for an
 * enterprise outside it is refused. The subgraph that keeps the register uses its full register instead.
 */
@Entity({ tableName: 'enterprise_register' })
@Index({ name: 'enterprise_register_region_index', properties: ['regionCode'] })
export class RegisteredEnterprise {
  @PrimaryKey({ type: 'string', length: 18 })
  creditCode!: string;

  @Property({ type: 'string', length: 6 })
  regionCode!: string;
}
