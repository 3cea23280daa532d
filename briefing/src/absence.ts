/**
 * Why a figure is not in the pack, told apart from the data (never guessed from a null):
 * - 不予共享 (NOT_SHARED): the owner withholds it from every other department. The gateway says so
 *   with a FORBIDDEN error whose `extensions.sharing` is NOT_SHARED at the field's path, or — for
 *   the `indicators` lists, which leave out silently what the caller may not read — the
 *   catalogue's `sharing` is NOT_SHARED and the caller (`viewer.department`) is not the owner;
 * - 未获授权 (NOT_GRANTED): a FORBIDDEN error for a CONDITIONAL figure (an enterprise's figure
 *   without a live grant from the owner);
 * - 未报送 (NOT_REPORTED): readable, but no observation for that subject and month;
 * - 暂缺 (UNAVAILABLE): the owner's service did not answer (degraded.ts);
 * - 1—2月合并发布 (JANUARY_MERGED): January of an indicator published for January and February
 *   together (the catalogue's `publishedJanFeb`): none is due, so it is not 未报送.
 * A figure whose observation is there but whose field is null (a growth not published) is none of
 * these and prints as "—".
 */
import type { Department } from './types';

export type Absence = 'NOT_SHARED' | 'NOT_GRANTED' | 'NOT_REPORTED' | 'UNAVAILABLE' | 'JANUARY_MERGED';

export const ABSENCE_LABELS: Record<Absence, string> = {
  NOT_SHARED: '不予共享',
  NOT_GRANTED: '未获授权',
  NOT_REPORTED: '未报送',
  UNAVAILABLE: '暂缺',
  // Not late: published for January and February together (the catalogue's publishedJanFeb).
  JANUARY_MERGED: '1—2月合并发布',
};

/** A FORBIDDEN error of the gateway's answer: where, and the sharing category it names. */
export interface Withheld {
  /** The error's path joined with dots: `keyEnterprises.edges.3.node.finance.loansOutstanding`. */
  path: string;
  /** `extensions.sharing`: NOT_SHARED, CONDITIONAL, or null when the error does not say. */
  sharing: string | null;
  indicator: string | null;
}

export interface GatewayError {
  message?: string;
  path?: readonly (string | number)[];
  extensions?: { code?: unknown; sharing?: unknown; indicator?: unknown; [key: string]: unknown };
}

/** The FORBIDDEN errors of an answer (a figure withheld by its owner), with their paths. */
export function withheldFrom(errors: readonly GatewayError[]): { withheld: Withheld[]; others: GatewayError[] } {
  const withheld: Withheld[] = [];
  const others: GatewayError[] = [];
  for (const error of errors) {
    if (error.extensions?.code === 'FORBIDDEN' && error.path?.length) {
      withheld.push({
        path: error.path.join('.'),
        sharing: typeof error.extensions.sharing === 'string' ? error.extensions.sharing : null,
        indicator: typeof error.extensions.indicator === 'string' ? error.extensions.indicator : null,
      });
    } else {
      others.push(error);
    }
  }
  return { withheld, others };
}

/** The absence a FORBIDDEN error's sharing category means: NOT_SHARED, else (a missing grant) NOT_GRANTED. */
export function forbiddenAbsence(sharing: string | null): Absence {
  return sharing === 'NOT_SHARED' ? 'NOT_SHARED' : 'NOT_GRANTED';
}

/**
 * Decides the absence of a figure from what the answer says: the FORBIDDEN errors by path, the
 * catalogue's sharing categories and the caller's department, the departments that did not answer.
 */
export class Absences {
  constructor(
    private readonly withheld: readonly Withheld[],
    private readonly sharing: ReadonlyMap<string, string>,
    private readonly viewerDepartment: string | null,
    private readonly unavailable: readonly Department[] = [],
    /** Indicators with no January figure by rule, when the pack is January's (else empty). */
    private readonly januaryMerged: ReadonlySet<string> = new Set(),
  ) {}

  /** The department's service did not answer (its figures, catalogue and lists are 暂缺). */
  isUnavailable(department: Department): boolean {
    return this.unavailable.includes(department);
  }

  /** The FORBIDDEN error at this path or above it (a null parent nulls its figures). */
  at(path: string): Withheld | null {
    return this.withheld.find((w) => path === w.path || path.startsWith(`${w.path}.`)) ?? null;
  }

  /**
   * Why the observation of `indicator` (owned by `department`) is not there.
   * `path`: where the figure was asked for by name (an enterprise's typed field), if it was.
   */
  of(department: Department, indicator: string, path: string | null = null): Absence {
    if (this.isUnavailable(department)) return 'UNAVAILABLE';
    const error = path ? this.at(path) : null;
    if (error) return forbiddenAbsence(error.sharing ?? this.sharing.get(indicator) ?? null);
    // `indicators` lists leave out what the caller may not read, without an error.
    if (this.sharing.get(indicator) === 'NOT_SHARED' && this.viewerDepartment !== null && this.viewerDepartment !== department) return 'NOT_SHARED';
    if (this.januaryMerged.has(indicator)) return 'JANUARY_MERGED';
    return 'NOT_REPORTED';
  }
}

export const NO_ABSENCES = new Absences([], new Map(), null);
