import { buildPack, allFigures } from '../src/model';
import { renderHtml } from '../src/render';
import { fillUnavailable, unavailableDepartments } from '../src/degraded';
import { DEPARTMENTS, type MeetingPackData } from '../src/types';
import { fixture, meta } from './fixture';

/** What the gateway answers with the finance subgraph down: every `finance` field null, the lists of its warnings too. */
function withFinanceDown(data: MeetingPackData): MeetingPackData {
  const walk = (value: unknown, key: string | null): unknown => {
    if (key === 'finance' || key === 'loanWithdrawals' || key === 'financeTargetsBehind') return null;
    if (Array.isArray(value)) return value.map((v) => walk(v, null));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(data, null) as MeetingPackData;
}

describe('a pack with a department down', () => {
  const down = { message: 'x', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'finance' } };

  it('knows the departments from the coded errors, and refuses any other error', () => {
    expect(unavailableDepartments([down, { ...down, extensions: { code: 'SUBGRAPH_TIMEOUT', subgraph: 'finance' } }])).toEqual(['finance']);
    expect(unavailableDepartments([down, { message: 'y', extensions: { code: 'FORBIDDEN' } }])).toBeNull();
    expect(unavailableDepartments([{ message: 'z', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'audit' } }])).toBeNull();
  });

  it('is built from the other departments, with the missing one marked 暂缺 in every section', () => {
    const model = buildPack(fillUnavailable(withFinanceDown(fixture()), ['finance']), meta({ unavailable: ['finance'] }));
    const figures = allFigures(model);
    const byDepartment = (d: string) => figures.filter((f) => f.department === d && f.value !== null).length;
    expect(byDepartment('finance')).toBe(0);
    for (const d of DEPARTMENTS.filter((d) => d !== 'finance')) expect(byDepartment(d)).toBeGreaterThan(0);
    const html = renderHtml(model);
    expect(html).toContain('金融办（金融办、人行、银监、国税/地税）数据服务本次不可用');
    const sections = html.match(/<section id="sec-(?!appendix)[^"]+">/g)!;
    expect(html.match(/本节金融办数据暂缺（数据服务不可用）/g)).toHaveLength(sections.length);
    expect(html).toContain('finance子图；本次不可用，数据暂缺');
  });

  it('is unchanged when every department answered', () => {
    expect(renderHtml(buildPack(fillUnavailable(fixture(), []), meta()))).not.toContain('暂缺（数据服务不可用）');
  });
});
