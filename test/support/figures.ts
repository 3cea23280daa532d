/**
 * What the tests need to know about the departments' figures: each namespace's headline fields
 * (the getters of its figures type) and the indicator catalogues, read from each department's
 * definition (its package's entry point, built), so fields, units and order come from the code
 * the processes run, not from copies: a new department needs no entry here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SUBGRAPHS, type Row, type SubgraphName, type System } from './system';

const REGISTRY = JSON.parse(readFileSync(join(REPO_ROOT, 'subgraphs', 'departments.json'), 'utf8')) as { departments: { name: string; folder: string }[] };

/** What a department's package entry point exports under its name (the kit's SubgraphDefinition, the part the tests read). */
interface DefinitionFace {
  reporting: { catalogue: { definitions: (CatalogueEntry & Record<string, unknown>)[] } };
  namespace: { field: string; figures: { prototype: object } };
}

/** The department's definition, from its built package (the registry's folder; what the processes run). */
function definitionOf(name: SubgraphName): DefinitionFace {
  const entry = REGISTRY.departments.find((d) => d.name === name);
  if (!entry) throw new Error(`unknown department ${JSON.stringify(name)}: the registry lists ${SUBGRAPHS.join(', ')}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = (require(join(REPO_ROOT, entry.folder)) as Record<string, DefinitionFace>)[name];
  if (!definition?.namespace) throw new Error(`${entry.folder}'s entry point exports no definition \`${name}\` with a namespace`);
  return definition;
}

/**
 * The headline fields of a figures type and the indicator each shows: its own getters, read on a
 * probe whose `pick(code)` answers the code (every headline getter is `return this.pick(CODE)`).
 */
function headlinesOf(name: SubgraphName): Readonly<Record<string, string>> {
  const { prototype } = definitionOf(name).namespace.figures;
  const probe = Object.assign(Object.create(prototype) as object, { pick: (code: string) => code });
  return Object.fromEntries(
    Object.entries(Object.getOwnPropertyDescriptors(prototype))
      .filter(([, descriptor]) => descriptor.get)
      .map(([field, descriptor]) => [field, descriptor.get!.call(probe) as string]),
  );
}

/** Namespace field → headline field → indicator code, derived from each department's figures type (no copy). */
export const HEADLINES: Readonly<Record<SubgraphName, Readonly<Record<string, string>>>> = Object.fromEntries(SUBGRAPHS.map((name) => [name, headlinesOf(name)]));

export interface CatalogueEntry {
  code: string;
  unit: string;
  sharing: 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';
  /** A region's figure sums a few listed enterprises and is shared as theirs are (IndicatorDefinition.regionSumsListedEnterprises). */
  regionSumsListedEnterprises: boolean;
  /** Computed on read from two of the department's indicators (IndicatorDefinition.ratioOf): no stored row. */
  computed: boolean;
  kind: 'FLOW' | 'STOCK' | 'RATE';
}

/** The subgraph's indicator catalogue, in its bulletin order (as `indicators` returns them). */
export function catalogue(name: SubgraphName): CatalogueEntry[] {
  return definitionOf(name).reporting.catalogue.definitions.map(({ code, unit, sharing, regionSumsListedEnterprises, ratioOf, kind }) => ({ code, unit, sharing, kind, regionSumsListedEnterprises: regionSumsListedEnterprises === true, computed: ratioOf !== undefined }));
}

/** The fields every test reads of an observation. */
export const OBSERVATION_FRAGMENT = 'fragment obs on Observation { indicator value ytdValue yoyPct ytdYoyPct unit status }';

/** `energy(month: $month) { month electricity { ...obs } gas { ...obs } indicators { ...obs } }` */
export function namespaceSelection(name: SubgraphName, month = '$month'): string {
  const headlines = Object.keys(HEADLINES[name])
    .map((field) => `${field} { ...obs }`)
    .join(' ');
  return `${name}(month: ${month}) { month ${headlines} indicators { ...obs } }`;
}

export const ALL_NAMESPACES = (month = '$month') => SUBGRAPHS.map((name) => namespaceSelection(name, month)).join('\n');

export interface ObservationJson {
  indicator: string;
  value: number | null;
  ytdValue: number | null;
  yoyPct: number | null;
  ytdYoyPct: number | null;
  unit: string;
  status: string;
}

/** The subgraph's own rows for a subject and month, straight from its `observation` table. */
export function observationRows(system: System, name: SubgraphName, subjectType: 'REGION' | 'ENTERPRISE', code: string, month: string): Promise<Row[]> {
  return system.sql(
    name,
    'select indicator, value, ytd_value, yoy_pct, ytd_yoy_pct, status from observation where subject_type = ? and subject_code = ? and month = ?',
    [subjectType, code, month],
  );
}

/** A row as the API should render it: the columns that `Observation` exposes, unit from the catalogue. */
export function expectedObservation(row: Row, units: ReadonlyMap<string, string>): ObservationJson {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    indicator: row.indicator,
    value: num(row.value),
    ytdValue: num(row.ytd_value),
    yoyPct: num(row.yoy_pct),
    ytdYoyPct: num(row.ytd_yoy_pct),
    unit: units.get(row.indicator)!,
    status: row.status,
  };
}

/**
 * A department's figures for a subject and month, as answered through the gateway, against that
 * department's database: every headline equals its row (or is null when there is none), and
 * `indicators` lists exactly the rows the database holds, in catalogue order.
 */
export function expectFiguresMatchRows(name: SubgraphName, figures: Record<string, any>, rows: Row[], month: string): void {
  const entries = catalogue(name);
  const units = new Map(entries.map((e) => [e.code, e.unit]));
  const order = new Map(entries.map((e, i) => [e.code, i]));
  // The tests ask as the industry bureau's demo analyst: another department's NOT_SHARED figures
  // are left out of its lists (conditional ones it holds grants for).
  const hidden = new Set(name === 'industry' ? [] : entries.filter((e) => e.sharing === 'NOT_SHARED').map((e) => e.code));
  const expected = rows
    .filter((r) => units.has(r.indicator) && !hidden.has(r.indicator))
    .sort((a, b) => order.get(a.indicator)! - order.get(b.indicator)!)
    .map((r) => expectedObservation(r, units));
  // Nothing the department holds is lost on the way (rows outside the catalogue would be a seeding bug).
  expect(rows.map((r) => r.indicator).filter((code) => !units.has(code))).toEqual([]);
  expect(figures.month).toBe(month);
  // Computed indicators have no row of their own (test/reporting/indicators.test.ts checks them against their sources).
  const computed = new Set(entries.filter((e) => e.computed).map((e) => e.code));
  expect(figures.indicators.filter((o: { indicator: string }) => !computed.has(o.indicator))).toEqual(expected);
  for (const [field, code] of Object.entries(HEADLINES[name])) {
    // A computed headline has no row: it must be the same figure the department's list gives.
    const row = (computed.has(code) ? figures.indicators.find((o: { indicator: string }) => o.indicator === code) : expected.find((o) => o.indicator === code)) ?? null;
    expect({ [`${name}.${field}`]: figures[field] }).toEqual({ [`${name}.${field}`]: row });
  }
}
