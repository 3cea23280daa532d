import type { DepartmentDemo } from '@huishang/schema';

/**
 * The HR bureau's demo: its 2015 targets as 许政[2015]39号 states them (split down to districts),
 * and its planted case for EMPLOYMENT_DROP (warnings.ts), June 2015: a key enterprise's employees
 * −22 % year on year (fires), −12 % (near miss). No runtime import of the kit (schema/src/demo/plan.ts).
 */
export const demo: DepartmentDemo = {
  targets: {
    year: 2015,
    source: '许政[2015]39号',
    city: [
      { indicator: 'HR_JOB_FAIRS', measure: 'LEVEL', value: 100, unit: '场', scope: null, description: '举办招聘会100场以上', split: true },
      { indicator: 'HR_HIRES', measure: 'LEVEL', value: 15_000, unit: '人', scope: null, description: '帮助企业招工15000人以上', split: true },
      { indicator: 'HR_TRAINEES', measure: 'LEVEL', value: 4_000, unit: '人次', scope: null, description: '培训4000人次以上', split: true },
    ],
  },
  cases: [
    {
      name: 'employmentDrop',
      key: 2,
      roles: ['fires', 'nearMiss'],
      plant: ({ month, key, warningMonth, lastYear }) => {
        const employment = (code: string, growth: number) => {
          month(code, warningMonth).employees = Math.round(month(code, lastYear).employees * (1 + growth));
        };
        employment(key[0], -0.22);
        employment(key[1], -0.12);
        return { fires: [key[0]], nearMiss: [key[1]] };
      },
    },
  ],
};
