/**
 * The read path is a module boundary, not a convention (issue 12): a resolver's `ctx.em` runs no
 * SQL and refuses the figure entities, wherever it is reached (a fork, a transaction), on a real
 * department database (the tax fixture, SQLite). The kit's own read path still reads the rows.
 */
import 'reflect-metadata';
import { createContext } from '../src/kit/context';
import { openTestbed, type Testbed } from '../src/testing/testbed';
import { ObservationRecord } from '../src/observation/ObservationRecord';
import { TargetRecord } from '../src/targets/TargetRecord';
import { RegisteredEnterprise } from '../src/reporting/records';
import { tax, taxIndicators } from './fixtures/tax';

let bed: Testbed;
beforeAll(async () => {
  bed = await openTestbed(tax);
});
afterAll(async () => {
  await bed?.close();
});

describe('ctx.em', () => {
  it('runs no SQL of its own', async () => {
    const { em } = createContext(bed.orm);
    const raw = em as unknown as { getConnection(): { execute(sql: string): Promise<unknown> }; createQueryBuilder(entity: unknown): unknown; getKnex(): unknown };
    expect(() => raw.getConnection().execute('select * from observation')).toThrow(/does not run SQL \(getConnection\).*ctx\.figures/);
    expect(() => raw.createQueryBuilder(ObservationRecord)).toThrow(/does not run SQL/);
    expect(() => raw.getKnex()).toThrow(/does not run SQL/);
  });

  it('refuses the figure entities by class and by name, also through a fork and a transaction', async () => {
    const { em } = createContext(bed.orm);
    expect(() => em.find(ObservationRecord, {})).toThrow(/refuses ObservationRecord/);
    expect(() => em.find('ObservationRecord' as never, {})).toThrow(/refuses ObservationRecord/);
    expect(() => em.count(TargetRecord, {})).toThrow(/refuses TargetRecord/);
    expect(() => em.fork().find(ObservationRecord, {})).toThrow(/refuses ObservationRecord/);
    await expect(em.transactional(async (tx) => tx.find(ObservationRecord, {}))).rejects.toThrow(/refuses ObservationRecord/);
    await expect(em.transactional(async (tx) => tx.getConnection().execute('select 1'))).rejects.toThrow(/does not run SQL/);
  });

  it('still reads the department’s own entities, and the read path still reads figures', async () => {
    const context = createContext(bed.orm);
    const registered = await context.em.find(RegisteredEnterprise, {}, { limit: 1 });
    expect(registered).toHaveLength(1);
    const month = '2015-06';
    const rows = (await bed.sql('select subject_code from observation where subject_type = ? and month = ? limit 1', ['REGION', month])) as { subject_code: string }[];
    expect(rows).toHaveLength(1);
    const figures = await context.figures.subject(taxIndicators, { kind: 'REGION', code: rows[0].subject_code }, month);
    expect(figures.visible().length).toBeGreaterThan(0);
  });
});
