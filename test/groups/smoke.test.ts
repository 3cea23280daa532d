import { startSystem, type System } from '../support/system';
let system: System;
beforeAll(async () => { system = await startSystem({}); });
afterAll(async () => { await system?.stop(); });
it('smoke', async () => {
  const r = await system.query(`{ clusters { code name enterpriseCount statistics(month: "2015-06") { enterpriseCount indicators(codes: ["STAT_MAIN_REVENUE"]) { value ytdValue ytdYoyPct reportedCount } targets { target { value scope } completionPct timeProgressPct gap behind actualValue } } energy(month: "2015-06") { indicators { indicator ytdValue ytdYoyPct reportedCount } } } }`);
  console.log(JSON.stringify(r, null, 1).slice(0, 6000));
  const e = await system.query(`{ cluster(code: "tobacco") { enterpriseCount statistics(month: "2015-06", region: "411002") { enterpriseCount indicators { indicator ytdValue } } finance(month: "2015-06") { indicators { indicator value reportedCount } } } industry(code: "C38") { name level enterpriseCount parent { name } hr(month: "2015-06") { indicators { indicator value } } } }`, undefined, undefined, { token: system.tokens.energy });
  console.log(JSON.stringify(e, null, 1).slice(0, 4000));
});
