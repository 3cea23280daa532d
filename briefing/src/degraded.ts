/**
 * A pack with a department down (README, "When a department fails"): the gateway answers the
 * other departments' figures and nulls the failed one's, each with a SUBGRAPH_* error naming it.
 * The pack is still written, with that department's places marked 暂缺 (not available).
 */
import { DEPARTMENTS, type Department, type MeetingPackData } from './types';

/** Exit code of `npm run brief` when the pack was written without one or more departments. */
export const EXIT_DEGRADED = 3;

export interface GatewayErrorLike {
  message?: string;
  extensions?: { code?: unknown; subgraph?: unknown };
}

/**
 * The departments the gateway could not reach, when every error of the answer is of that kind
 * (SUBGRAPH_UNAVAILABLE, SUBGRAPH_TIMEOUT, SUBGRAPH_BAD_RESPONSE with `extensions.subgraph`);
 * null when some error is of another kind (then the pack is not written, as before).
 */
export function unavailableDepartments(errors: readonly GatewayErrorLike[]): Department[] | null {
  const departments = new Set<Department>();
  for (const error of errors) {
    const code = String(error.extensions?.code ?? '');
    const subgraph = String(error.extensions?.subgraph ?? '');
    if (!code.startsWith('SUBGRAPH_') || !(DEPARTMENTS as readonly string[]).includes(subgraph)) return null;
    departments.add(subgraph as Department);
  }
  return DEPARTMENTS.filter((d) => departments.has(d));
}

const EMPTY_FIGURES = () => ({ indicators: [], targets: [] });

/**
 * The answer with every null a failed department left filled with an empty value of its shape:
 * figures without indicators, empty catalogue and warning lists. The pack then shows no figure of
 * that department (marked 暂缺), and everything else as usual.
 */
export function fillUnavailable(data: MeetingPackData, departments: readonly Department[]): MeetingPackData {
  if (departments.length === 0) return data;
  const failed = new Set<string>(departments);
  const fill = (value: unknown, key: string | null, parent: string | null): unknown => {
    if (Array.isArray(value)) return value.map((v) => fill(v, null, key));
    if (value === null) {
      if (key === null) return null;
      if (parent === 'catalogue' && failed.has(key)) return [];
      if (parent === 'warnings' && /^(loanWithdrawals|\w+TargetsBehind)$/.test(key)) return [];
      if (failed.has(key)) return EMPTY_FIGURES();
      return null;
    }
    if (typeof value !== 'object') return value;
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) result[k] = fill(v, k, key);
    return result;
  };
  return fill(data, null, null) as MeetingPackData;
}

/** A region as `withoutRegister` answers it: its name and level from the division table. */
interface DivisionRegion {
  code: string;
  division?: { name: string; level: string; locallyAssigned: boolean } | null;
  [field: string]: unknown;
}

/** The answer to queries/meeting-pack-without-register.graphql (only what is reshaped here). */
export interface WithoutRegisterData {
  viewer?: { department: string } | null;
  withoutRegister: {
    catalogue: Record<string, unknown> | null;
    city: (DivisionRegion & { districts?: DivisionRegion[] | null; previousQuarter?: DivisionRegion[] | null }) | null;
    warnings: Record<string, unknown> | null;
    [month: `m${string}`]: Record<string, unknown> | null;
  } | null;
}

/**
 * True when the answer has no city although only departments' services failed: the register's
 * department (whose root fields every query starts from) is down, and the pack can only come from
 * the register-free entry points (queries/meeting-pack-without-register.graphql).
 */
export function registerUnavailable(data: MeetingPackData | null | undefined, unavailable: readonly Department[]): boolean {
  return unavailable.length > 0 && !data?.city;
}

/**
 * The pack's data from the register-free answer, in the shape of the first document's answer: the
 * region names and levels from the division table, the departments that did not answer left null
 * (`fillUnavailable` then marks them 暂缺), and the register's own parts — key enterprises, key
 * projects, problem list, its warnings — null, so the pack says they are not available rather
 * than showing an empty list. Null when the fallback had no city either.
 */
export function fromWithoutRegister(fallback: WithoutRegisterData | null | undefined, unavailable: readonly Department[]): MeetingPackData | null {
  const entry = fallback?.withoutRegister;
  if (!entry?.city) return null;
  const missing = Object.fromEntries(unavailable.map((d) => [d, null]));
  const region = ({ division, ...rest }: DivisionRegion) => ({ ...rest, ...missing, name: division?.name ?? rest.code, level: division?.level ?? 'DISTRICT', locallyAssigned: division?.locallyAssigned ?? false });
  const { districts, previousQuarter, ...city } = entry.city;
  const data: Record<string, unknown> = {
    viewer: fallback?.viewer ?? null,
    catalogue: entry.catalogue ? { ...entry.catalogue, ...missing } : null,
    city: { ...region(city), districts: (districts ?? []).map(region), ...(previousQuarter ? { previousQuarter: previousQuarter.map((d) => ({ ...d, ...missing })) } : {}) },
    warnings: entry.warnings ? { ...entry.warnings, keyEnterprises: null, projectsBehindSchedule: null, overdueProblems: null } : null,
    keyEnterprises: null,
    keyProjects: null,
    problems: null,
  };
  for (const [key, value] of Object.entries(entry)) if (/^m\d\d$/.test(key)) data[key] = value ? { ...value, ...missing } : null;
  return fillUnavailable(data as unknown as MeetingPackData, unavailable);
}
