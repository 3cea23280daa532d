import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { departmentRegistry, registryPath } from '../kit/registry';
import type { TargetRecord } from '../targets/TargetRecord';
import type { EnterpriseMonth } from './city';

/** A target row as the seeders write it. */
export type TargetRow = Omit<TargetRecord, 'id'>;

/**
 * A target the city sets on one of a department's indicators (目标任务), as the document words it.
 * `split`: a level target the city splits down to its districts (分解下达) in proportion to their
 * enterprises; an unscoped growth target applies to every district as it is.
 */
export type CityTarget = Omit<TargetRow, 'year' | 'regionCode' | 'source' | 'period'> & { period?: TargetRow['period']; split?: boolean; /** The document, when not the plan's. */ source?: string };

/** What a department's demo module plants in the meeting month so its warning rules have cases. */
export interface DemoCaseContext {
  /** The enterprise's simulated month, to rewrite in place (the same object every department's rows read). */
  month(creditCode: string, month: string): EnterpriseMonth;
  /** Key enterprises (百户重点企业) handed to this case, in credit-code order, none shared with another case. */
  key: readonly string[];
  /** Enterprises off the key list handed to this case, likewise. */
  others: readonly string[];
  /** The meeting month the cases happen in (WARNING_MONTH), the same month a year before, and the month before. */
  warningMonth: string;
  lastYear: string;
  previous: string;
}

/**
 * A planted warning case (the cases that fire and the near misses of one rule): how many key and
 * other enterprises it takes, the roles it names (`fires`, `nearMiss`, …), and the rewrite. The
 * credit codes it returns per role are `city.scenarios[name]`.
 */
export interface DemoCase {
  name: string;
  key?: number;
  others?: number;
  roles: readonly string[];
  plant(context: DemoCaseContext): Record<string, string[]>;
}

/**
 * What a department brings to the demo city besides its rows (`demoRows`): the city's targets on
 * its indicators and the warning cases it plants. A department's package exports it as its
 * `./demo` entry (package.json `exports`), a module with no runtime import of the kit, which
 * every subgraph process loads (the cases rewrite figures other departments seed, so all must
 * apply them alike).
 */
export interface DepartmentDemo {
  targets?: { year: number; source: string; city: readonly CityTarget[] };
  cases?: readonly DemoCase[];
}

let loaded: { department: string; demo: DepartmentDemo }[] | undefined;

/**
 * Every registry department's demo module, in registry order (a department without a `./demo`
 * entry brings none). Folders are relative to the folder above the registry's (the repository).
 */
export function departmentDemos(): readonly { department: string; demo: DepartmentDemo }[] {
  if (loaded) return loaded;
  const root = resolve(dirname(registryPath()), '..');
  loaded = departmentRegistry().departments.flatMap((entry) => {
    const manifestPath = join(root, entry.folder, 'package.json');
    if (!existsSync(manifestPath)) return [];
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, unknown> };
    const target = manifest.exports?.['./demo'];
    const file = typeof target === 'string' ? target : (target as { default?: string } | undefined)?.default;
    if (!file) return [];
    const path = join(root, entry.folder, file);
    if (!existsSync(path)) throw new Error(`${entry.folder}/${file} (the ${entry.name} department's ./demo export) is missing: build it first (npm run build)`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path) as { demo?: DepartmentDemo };
    if (!module.demo) throw new Error(`${entry.folder}/${file} must export \`demo\` (a DepartmentDemo)`);
    return [{ department: entry.name, demo: module.demo }];
  });
  return loaded;
}
