import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The registry of departments, `subgraphs/departments.json`: which subgraphs exist, their names in
 * Chinese and English, default ports, packages and folders. The kit names no department: its
 * names and ports (services.ts), `npm start`, the CLI, the test harness and the composition are
 * derived from this file. Found by walking up from this module (the repository, or /app in the
 * image); HUISHANG_DEPARTMENTS_FILE names another file.
 */
export interface DepartmentEntry {
  /** Subgraph name: lower-case letters and digits; the namespace field, the database suffix and `<NAME>_PORT`. */
  name: string;
  /** Default port (`<NAME>_PORT` overrides). */
  port: number;
  /** The npm workspace package; its entry point exports the SubgraphDefinition as `<name>`. */
  package: string;
  /** The package folder, relative to the repository root. */
  folder: string;
  /** The department(s) behind the subgraph, in Chinese, as the municipal papers name them. */
  nameZh: string;
  /** The same in English. */
  nameEn: string;
  /** The department's enterprise register table (`enterprise` where it keeps the full register, else `enterprise_register`). */
  registerTable: string;
  /** How the problem list (问题清单) prints the department as a problem's owner (责任单位); default the first part of `nameZh`. */
  ownerName?: string;
  /** What else a person may type for the department as an owner, besides its name and the parts of `nameZh`. */
  aliases?: string[];
  /** The prefix of the indicator codes the department owns (`XX_` for XX_OUTPUT): its administrators' share of the audit trail. */
  indicatorPrefix?: string;
  /**
   * Grants the department's warning rules need from other departments (issue 12): its rule `rule`
   * uses `owner`'s `indicators` under a grant to that rule, not the caller's reading rights. The
   * demo city holds them; in production the owner's administrators grant them
   * (`grant<Owner>Access(input: { grantee, rule, indicators, … })`).
   */
  ruleGrants?: { rule: string; owner: string; indicators: string[]; purpose: string }[];
}

/** The parts of a department's Chinese name, split at 、 , / ; and spaces (`甲局、乙办/丙办` → 甲局, 乙办, 丙办). */
export function chineseNameParts(entry: Pick<DepartmentEntry, 'nameZh'>): string[] {
  return entry.nameZh.split(/[、,，/;；\s]+/).filter(Boolean);
}

export interface DepartmentRegistry {
  gateway: { port: number };
  /** The department that chairs the monthly meeting (会商机制的牵头部门) and reads every department's enterprise figures for it. */
  secretariat: string;
  departments: readonly DepartmentEntry[];
}

export const REGISTRY_FILE = join('subgraphs', 'departments.json');

/** The registry file: HUISHANG_DEPARTMENTS_FILE, or `subgraphs/departments.json` in the nearest ancestor folder that has one. */
export function registryPath(env: NodeJS.ProcessEnv = process.env, from = __dirname): string {
  if (env.HUISHANG_DEPARTMENTS_FILE) return resolve(env.HUISHANG_DEPARTMENTS_FILE);
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, REGISTRY_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no ${REGISTRY_FILE} above ${from}: set HUISHANG_DEPARTMENTS_FILE to the registry of departments`);
  }
}

/** Reads and checks a registry: every field present, names and ports unique. Errors name the entry and the field. */
export function parseRegistry(text: string, source = REGISTRY_FILE): DepartmentRegistry {
  const raw = JSON.parse(text) as { gateway?: { port?: unknown }; secretariat?: unknown; departments?: unknown };
  const problems: string[] = [];
  const isPort = (p: unknown) => Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536;
  if (!raw.gateway || !isPort(raw.gateway.port)) problems.push('gateway.port must be a port number');
  if (!Array.isArray(raw.departments) || raw.departments.length === 0) problems.push('departments must be a non-empty list');
  const departments = (Array.isArray(raw.departments) ? raw.departments : []) as Record<string, unknown>[];
  const seen = new Map<unknown, string>([[raw.gateway?.port, 'gateway']]);
  departments.forEach((d, i) => {
    const at = `departments[${i}]${typeof d.name === 'string' ? ` (${d.name})` : ''}`;
    if (typeof d.name !== 'string' || !/^[a-z][a-z0-9]*$/.test(d.name)) problems.push(`${at}.name must be lower-case letters and digits`);
    if (!isPort(d.port)) problems.push(`${at}.port must be a port number`);
    else if (seen.has(d.port)) problems.push(`${at}.port ${d.port} is also ${seen.get(d.port)}'s`);
    else seen.set(d.port, String(d.name));
    for (const field of ['package', 'folder', 'nameZh', 'nameEn', 'registerTable']) {
      if (typeof d[field] !== 'string' || d[field] === '') problems.push(`${at}.${field} must be a non-empty string`);
    }
    if (d.ownerName !== undefined && (typeof d.ownerName !== 'string' || d.ownerName === '')) problems.push(`${at}.ownerName must be a non-empty string`);
    if (d.aliases !== undefined && (!Array.isArray(d.aliases) || d.aliases.some((a) => typeof a !== 'string' || a === ''))) problems.push(`${at}.aliases must be a list of non-empty strings`);
    if (d.indicatorPrefix !== undefined && (typeof d.indicatorPrefix !== 'string' || !/^[A-Z][A-Z0-9]*_$/.test(d.indicatorPrefix))) problems.push(`${at}.indicatorPrefix must be upper-case letters and digits ending in _`);
    if (departments.findIndex((other) => other.name === d.name) !== i) problems.push(`${at}.name is listed twice`);
    if (d.ruleGrants !== undefined) {
      const grants = Array.isArray(d.ruleGrants) ? (d.ruleGrants as Record<string, unknown>[]) : [];
      if (!Array.isArray(d.ruleGrants)) problems.push(`${at}.ruleGrants must be a list`);
      grants.forEach((g, j) => {
        if (typeof g.rule !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(g.rule)) problems.push(`${at}.ruleGrants[${j}].rule must be a rule code like POWER_DROP`);
        if (!departments.some((other) => other.name === g.owner && other.name !== d.name)) problems.push(`${at}.ruleGrants[${j}].owner must name another department`);
        if (!Array.isArray(g.indicators) || g.indicators.length === 0 || !g.indicators.every((c) => typeof c === 'string')) problems.push(`${at}.ruleGrants[${j}].indicators must list indicator codes`);
        if (typeof g.purpose !== 'string' || g.purpose.length < 4) problems.push(`${at}.ruleGrants[${j}].purpose must state the purpose`);
      });
    }
  });
  if (!departments.some((d) => d.name === raw.secretariat)) problems.push(`secretariat must name one of the departments, got ${JSON.stringify(raw.secretariat)}`);
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
  return { gateway: { port: raw.gateway!.port as number }, secretariat: raw.secretariat as string, departments: departments as unknown as DepartmentEntry[] };
}

let loaded: DepartmentRegistry | undefined;

/** The registry this process runs with (read once). */
export function departmentRegistry(): DepartmentRegistry {
  if (!loaded) {
    const path = registryPath();
    loaded = parseRegistry(readFileSync(path, 'utf8'), path);
  }
  return loaded;
}

/** The registry entry of one department; an unknown name is an error that lists the known ones. */
export function departmentEntry(name: string): DepartmentEntry {
  const found = departmentRegistry().departments.find((d) => d.name === name);
  if (!found) throw new Error(`unknown department ${JSON.stringify(name)}; the registry (${REGISTRY_FILE}) lists ${departmentRegistry().departments.map((d) => d.name).join(', ')}`);
  return found;
}
