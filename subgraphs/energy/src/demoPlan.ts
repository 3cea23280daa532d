import type { DepartmentDemo } from '@huishang/schema';

/**
 * The power company's planted case for POWER_DROP (warnings.ts), June 2015: key enterprises whose
 * electricity falls 30 % and 25 % year on year while output grows 6 % (fire), 17 % (near miss),
 * and 30 % while output falls 25 % too (no warning: output fell). Output, revenue and value added
 * move together, so every department's figures tell the same story. No runtime import of the kit:
 * every subgraph process loads this module (schema/src/demo/plan.ts).
 */
export const demo: DepartmentDemo = {
  cases: [
    {
      name: 'powerDrop',
      key: 4,
      roles: ['fires', 'nearMiss', 'outputFellToo'],
      plant: ({ month, key, warningMonth, lastYear }) => {
        const power = (code: string, electricityGrowth: number, outputGrowth: number) => {
          const now = month(code, warningMonth);
          const before = month(code, lastYear);
          const ratio = (before.output * (1 + outputGrowth)) / now.output;
          Object.assign(now, {
            output: now.output * ratio,
            revenue: now.revenue * ratio,
            valueAdded: now.valueAdded * ratio,
            electricity: before.electricity * (1 + electricityGrowth),
          });
        };
        power(key[0], -0.3, 0.06);
        power(key[1], -0.25, 0.06);
        power(key[2], -0.17, 0.06);
        power(key[3], -0.3, -0.25);
        return { fires: [key[0], key[1]], nearMiss: [key[2]], outputFellToo: [key[3]] };
      },
    },
  ],
};
