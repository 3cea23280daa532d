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

  /**
   * The period the target is for (目标期间): YEAR, H1/H2 (上/下半年), Q1…Q4 (季度). 许政[2015]39号
   * item 一 sets 12.5 % for the first half and 13 % for the year on the same indicator.
   */
  @Property({ type: 'string', length: 8, default: 'YEAR' })
  period: TargetPeriodValue = 'YEAR';
}

export type TargetPeriodValue = 'YEAR' | 'H1' | 'H2' | 'Q1' | 'Q2' | 'Q3' | 'Q4';
