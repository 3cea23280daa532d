import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

export type TargetMeasureValue = 'LEVEL' | 'GROWTH_PCT' | 'SHARE_PCT' | 'POINTS';

/**
 * An annual target (目标任务) on one of the department's own indicators, for the city or split
 * down to a district (分解下达). The department that reports the indicator keeps its targets, so
 * it can say how far along each district is (完成进度) from its own figures.
 */
@Entity({ tableName: 'target' })
@Index({ name: 'target_year_region_index', properties: ['year', 'regionCode'] })
export class TargetRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  year!: number;

  @Property({ type: 'string', length: 6 })
  regionCode!: string;

  @Property({ type: 'string', length: 64 })
  indicator!: string;

  @Property({ type: 'string', length: 16 })
  measure!: TargetMeasureValue;

  @Property({ type: 'double' })
  value!: number;

  @Property({ type: 'string', length: 16 })
  unit!: string;

  /** Part of the economy the target covers (产业集群), when narrower than the indicator. */
  @Property({ type: 'string', length: 64, nullable: true })
  scope: string | null = null;

  @Property({ type: 'string', length: 256 })
  description!: string;

  @Property({ type: 'string', length: 64 })
  source!: string;
}
