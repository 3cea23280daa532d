/**
 * The hot reads of every subgraph request, made cheaper (docs/benchmarks.md, "Subgraph CPU"), give
 * exactly what the general ORM reads give, on a real department database (the tax fixture; SQLite,
 * or PostgreSQL with DATABASE_URL):
 * - a month's figures of many subjects (`ctx.figures.subjects`: on SQLite rows as arrays from a
 *   statement prepared once, with bound parameters) equal the figures built from MikroORM entities
 *   (`em.find`), for every list length a statement is kept for, subjects with and without rows;
 * - the register check of `_entities` (`registeredAmong`) equals `registeredEnterprises` (entities);
 * - each is one statement, counted like any other, also the second time a text is used.
 */
import 'reflect-metadata';
import { createContext, kitEntityManager } from '../src/kit/context';
import { openTestbed, type Testbed } from '../src/testing/testbed';
import { ObservationRecord } from '../src/observation/ObservationRecord';
import { registeredAmong, registeredEnterprises } from '../src/reporting/register';
import type { SubjectType } from '../src/observation/indicator';
import { tax, taxIndicators } from './fixtures/tax';

let bed: Testbed;
beforeAll(async () => {
  bed = await openTestbed(tax);
});
afterAll(async () => {
  await bed?.close();
});

/** What the read path served before: entities from MikroORM, made figures by the catalogue. */
async function viaEntities(kind: SubjectType, codes: string[], month: string): Promise<string[]> {
  const em = bed.orm.em.fork();
  const rows = await em.find(ObservationRecord, { month, subjectType: kind, subjectCode: { $in: codes } }, { orderBy: { id: 'asc' } });
  return codes.map((code) => JSON.stringify(taxIndicators.toObservations(rows.filter((r) => r.subjectCode === code))));
}

async function viaReadPath(kind: SubjectType, codes: string[], month: string): Promise<string[]> {
  const { figures } = createContext(bed.orm);
  const subjects = await figures.subjects(taxIndicators, kind, codes, month);
  return subjects.map((s) => JSON.stringify(s.visible()));
}

const subjectsOf = async (kind: SubjectType, month: string): Promise<string[]> =>
  ((await bed.sql<{ subject_code: string }>('select distinct subject_code from observation where subject_type = ? and month = ? order by subject_code', [kind, month])).map((r) => r.subject_code));

describe('a month’s figures of many subjects', () => {
  const months = ['2014-02', '2015-06', '2015-12'];
  for (const kind of ['REGION', 'ENTERPRISE'] as const) {
    for (const month of months) {
      it(`${kind} ${month}: every list length, the same figures as from entities`, async () => {
        const all = await subjectsOf(kind, month);
        expect(all.length).toBeGreaterThan(1);
        // One subject, two, all of them, and all plus codes without rows (in the middle and at the end).
        const lists = [all.slice(0, 1), all.slice(0, 2), all, [...all.slice(0, 3), 'NO_SUCH_SUBJECT', ...all.slice(3)], [...all, '91411000MA00000000']];
        for (const codes of lists) {
          const expected = await viaEntities(kind, codes, month);
          expect(expected.some((e) => e !== '[]')).toBe(true);
          expect(await viaReadPath(kind, codes, month)).toEqual(expected);
          // A second time: the statement text (and, on SQLite, the prepared statement) is reused.
          expect(await viaReadPath(kind, codes, month)).toEqual(expected);
        }
      });
    }
  }

  it('is one counted statement per read, the first time and the next', async () => {
    const codes = await subjectsOf('ENTERPRISE', '2015-06');
    for (let i = 0; i < 3; i++) {
      expect(await bed.countStatements(() => createContext(bed.orm).figures.subjects(taxIndicators, 'ENTERPRISE', codes, '2015-06'))).toBe(1);
    }
  });
});

describe('the register check of _entities', () => {
  it('finds exactly the registered codes, as the entity read does, in one counted statement', async () => {
    const registered = (await bed.sql<{ credit_code: string }>('select credit_code from enterprise_register order by credit_code')).map((r) => r.credit_code);
    expect(registered.length).toBeGreaterThan(2);
    const unknown = ['91411000MA00000000', '91411000MA0000001X'];
    const lists = [[], registered.slice(0, 1), unknown, [...registered.slice(0, 5), ...unknown], registered, [...registered, ...unknown, registered[0]]];
    for (const codes of lists) {
      const em = kitEntityManager(createContext(bed.orm).em);
      const expected = await registeredEnterprises(bed.orm.em.fork(), [...codes]);
      const count = await bed.countStatements(async () => expect(await registeredAmong(em, codes)).toEqual(expected));
      expect(count).toBe(codes.length ? 1 : 0);
    }
  });

  it('reads inside a transaction on the transaction’s connection', async () => {
    const registered = (await bed.sql<{ credit_code: string }>('select credit_code from enterprise_register order by credit_code limit 3')).map((r) => r.credit_code);
    const found = await bed.orm.em.fork().transactional((tx) => registeredAmong(tx, registered));
    expect(found).toEqual(new Set(registered));
  });
});
