import type { RowProblem } from './batch';
import { formatCount } from './progress';

export const SHOWN_PROBLEMS = 50;

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  // Float noise (168461.69999999998) shown as the number meant: 12 significant digits.
  const text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(+value.toPrecision(12)) : String(value);
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}

/** The refusal: the first 50 problems, one a line, then how many of each code. */
export function problemReport(problems: RowProblem[], rows: number): string {
  const lines: string[] = [];
  // A refusal of the file, the token or the options has no rows to count.
  const inRows = rows > 0 ? ` in ${formatCount(rows)} row${rows === 1 ? '' : 's'}` : '';
  lines.push(`refused: ${formatCount(problems.length)} problem${problems.length === 1 ? '' : 's'}${inRows}; nothing was written`);
  for (const p of problems.slice(0, SHOWN_PROBLEMS)) {
    const where = p.row === null ? p.column : `row ${p.row}, column ${p.column}`;
    // An option or the token without a value to show is named alone (`--token: …`, not `--token, (empty): …`).
    const value = p.row === null && (p.value === null || p.value === undefined) ? '' : `, ${shown(p.value)}`;
    lines.push(`  ${where}${value}: ${p.reason} [${p.code}]`);
  }
  if (problems.length > SHOWN_PROBLEMS) {
    lines.push(`  … and ${formatCount(problems.length - SHOWN_PROBLEMS)} more`);
  }
  const byCode = new Map<string, number>();
  for (const p of problems) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
  if (problems.length > SHOWN_PROBLEMS || byCode.size > 1) {
    lines.push(`by code: ${[...byCode].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${formatCount(n)}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
