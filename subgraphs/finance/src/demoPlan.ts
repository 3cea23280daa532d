import type { DepartmentDemo } from '@huishang/schema';

/**
 * The financial office's planted case for LOAN_WITHDRAWAL (warnings.ts), June 2015, on enterprises
 * off the key list: a withdrawal of 1200万元 (fires by amount), 950万元 (near miss), 60 % of the
 * balance (fires by share), 45 % (near miss). A withdrawal is measured against what was owed before
 * it (the previous month's balance). No runtime import of the kit (schema/src/demo/plan.ts).
 */
export const demo: DepartmentDemo = {
  // 许政[2015]39号 item 十六, split down to the districts like the other level targets.
  targets: {
    year: 2015,
    source: '许政[2015]39号',
    city: [{ indicator: 'FIN_MUTUAL_AID_BRIDGE_LOANS', measure: 'LEVEL', value: 200_000, unit: '万元', scope: null, description: '全年运用市级企业发展互助资金为企业调贷20亿元以上', split: true }],
  },
  cases: [
    {
      name: 'loanWithdrawal',
      others: 4,
      roles: ['firesByAmount', 'nearMissAmount', 'firesByShare', 'nearMissShare'],
      plant: ({ month, others, warningMonth, previous }) => {
        const withdraw = (code: string, balance: number | null, amount: (balance: number) => number) => {
          const before = month(code, previous);
          if (balance !== null) before.loansOutstanding = balance;
          const now = month(code, warningMonth);
          const w = amount(before.loansOutstanding);
          Object.assign(now, { loanWithdrawal: w, newLoans: 0, loansOutstanding: before.loansOutstanding - w });
        };
        withdraw(others[0], 6000, () => 1200);
        withdraw(others[1], 6000, () => 950);
        withdraw(others[2], 1200, (b) => b * 0.6);
        withdraw(others[3], 1200, (b) => b * 0.45);
        return { firesByAmount: [others[0]], nearMissAmount: [others[1]], firesByShare: [others[2]], nearMissShare: [others[3]] };
      },
    },
  ],
};
