/**
 * Industry classes (GB/T 4754-2017) of the demo city's clusters, after 许政[2015]39号: equipment and
 * power equipment, recycled metal, food processing, hair products, coal coking, autos and parts,
 * textiles and luggage, biomedicine, elevators, tobacco, building materials; and the emerging
 * industries of item 九 besides biomedicine (industrial robots C3491, electronics C3982 of new-generation
 * IT, new-energy vehicles C3612), which lean with equipment and autos.
 */
export interface DemoIndustry {
  code: string;
  name: string;
  /** Word used in generated enterprise names. */
  nameWord: string;
  cluster: string;
  /** Electricity per unit of output, 万千瓦时 per 万元. */
  electricityIntensity: number;
  /** Natural gas per unit of output, 万立方米 per 万元. */
  gasIntensity: number;
  /** Value added as a share of gross output. */
  valueAddedRatio: number;
  /** Profit as a share of revenue. */
  margin: number;
  /** Output per employee and month, 万元. */
  productivity: number;
}

export const DEMO_INDUSTRIES: readonly DemoIndustry[] = [
  { code: 'C3823', name: '配电开关控制设备制造', nameWord: '电气', cluster: 'power-equipment', electricityIntensity: 0.018, gasIntensity: 0.0004, valueAddedRatio: 0.3, margin: 0.08, productivity: 9 },
  { code: 'C3821', name: '变压器、整流器和电感器制造', nameWord: '变压器', cluster: 'power-equipment', electricityIntensity: 0.022, gasIntensity: 0.0004, valueAddedRatio: 0.28, margin: 0.07, productivity: 8 },
  { code: 'C3511', name: '矿山机械制造', nameWord: '重工机械', cluster: 'equipment', electricityIntensity: 0.03, gasIntensity: 0.0008, valueAddedRatio: 0.27, margin: 0.06, productivity: 7 },
  { code: 'C3441', name: '泵及真空设备制造', nameWord: '泵业', cluster: 'equipment', electricityIntensity: 0.025, gasIntensity: 0.0006, valueAddedRatio: 0.27, margin: 0.06, productivity: 7 },
  { code: 'C4210', name: '金属废料和碎屑加工处理', nameWord: '再生资源', cluster: 'recycled-metal', electricityIntensity: 0.06, gasIntensity: 0.001, valueAddedRatio: 0.18, margin: 0.04, productivity: 14 },
  { code: 'C3240', name: '有色金属合金制造', nameWord: '合金', cluster: 'recycled-metal', electricityIntensity: 0.12, gasIntensity: 0.004, valueAddedRatio: 0.2, margin: 0.04, productivity: 12 },
  { code: 'C1351', name: '牲畜屠宰', nameWord: '食品', cluster: 'food', electricityIntensity: 0.012, gasIntensity: 0.002, valueAddedRatio: 0.2, margin: 0.05, productivity: 10 },
  { code: 'C1431', name: '饼干及其他焙烤食品制造', nameWord: '食品', cluster: 'food', electricityIntensity: 0.02, gasIntensity: 0.006, valueAddedRatio: 0.3, margin: 0.08, productivity: 5 },
  { code: 'C2439', name: '其他工艺美术及礼仪用品制造', nameWord: '发制品', cluster: 'hair-products', electricityIntensity: 0.01, gasIntensity: 0.0005, valueAddedRatio: 0.32, margin: 0.09, productivity: 3 },
  { code: 'C2521', name: '炼焦', nameWord: '焦化', cluster: 'coal-coking', electricityIntensity: 0.08, gasIntensity: 0.003, valueAddedRatio: 0.22, margin: 0.03, productivity: 15 },
  { code: 'C3491', name: '工业机器人制造', nameWord: '机器人', cluster: 'equipment', electricityIntensity: 0.015, gasIntensity: 0.0003, valueAddedRatio: 0.3, margin: 0.09, productivity: 10 },
  { code: 'C3982', name: '电子电路制造', nameWord: '电子', cluster: 'equipment', electricityIntensity: 0.035, gasIntensity: 0.0004, valueAddedRatio: 0.26, margin: 0.07, productivity: 8 },
  { code: 'C3612', name: '新能源车整车制造', nameWord: '新能源汽车', cluster: 'autos', electricityIntensity: 0.02, gasIntensity: 0.0006, valueAddedRatio: 0.22, margin: 0.05, productivity: 14 },
  { code: 'C3670', name: '汽车零部件及配件制造', nameWord: '汽车部件', cluster: 'autos', electricityIntensity: 0.025, gasIntensity: 0.0008, valueAddedRatio: 0.25, margin: 0.06, productivity: 8 },
  { code: 'C1711', name: '棉纺纱加工', nameWord: '纺织', cluster: 'textiles', electricityIntensity: 0.07, gasIntensity: 0.0005, valueAddedRatio: 0.22, margin: 0.04, productivity: 4 },
  { code: 'C1922', name: '皮箱、包(袋)制造', nameWord: '箱包', cluster: 'textiles', electricityIntensity: 0.01, gasIntensity: 0.0003, valueAddedRatio: 0.28, margin: 0.06, productivity: 3 },
  { code: 'C2710', name: '化学药品原料药制造', nameWord: '药业', cluster: 'biomedicine', electricityIntensity: 0.04, gasIntensity: 0.003, valueAddedRatio: 0.35, margin: 0.12, productivity: 7 },
  { code: 'C2740', name: '中成药生产', nameWord: '制药', cluster: 'biomedicine', electricityIntensity: 0.02, gasIntensity: 0.002, valueAddedRatio: 0.38, margin: 0.14, productivity: 6 },
  { code: 'C3435', name: '电梯、自动扶梯及升降机制造', nameWord: '电梯', cluster: 'elevators', electricityIntensity: 0.015, gasIntensity: 0.0004, valueAddedRatio: 0.3, margin: 0.08, productivity: 9 },
  { code: 'C1620', name: '卷烟制造', nameWord: '卷烟', cluster: 'tobacco', electricityIntensity: 0.006, gasIntensity: 0.0005, valueAddedRatio: 0.6, margin: 0.25, productivity: 40 },
  { code: 'C3011', name: '水泥制造', nameWord: '水泥', cluster: 'building-materials', electricityIntensity: 0.15, gasIntensity: 0.001, valueAddedRatio: 0.25, margin: 0.05, productivity: 10 },
];

/** Which clusters each district leans to (the rest of its firms are drawn from every class). */
export const REGION_CLUSTERS: Readonly<Record<string, readonly string[]>> = {
  '411002': ['tobacco', 'food', 'elevators'],
  '411023': ['hair-products', 'equipment', 'power-equipment'],
  '411024': ['food', 'textiles'],
  '411025': ['coal-coking', 'building-materials'],
  '411081': ['coal-coking', 'biomedicine', 'building-materials'],
  '411082': ['recycled-metal', 'power-equipment'],
  '411071': ['power-equipment', 'elevators', 'autos'],
  '411072': ['hair-products', 'textiles'],
  '411073': ['autos', 'biomedicine'],
};

/** Share of the city's enterprises in each district. */
export const REGION_WEIGHTS: Readonly<Record<string, number>> = {
  '411002': 0.1,
  '411023': 0.15,
  '411024': 0.08,
  '411025': 0.1,
  '411081': 0.17,
  '411082': 0.17,
  '411071': 0.11,
  '411072': 0.06,
  '411073': 0.06,
};

/**
 * How big each lean cluster (DemoIndustry.cluster) of the demo city is: its above-size enterprises'
 * main-business revenue in 2015 (万元), sized after the targets of 许政[2015]39号 item 七 (equipment here
 * is 装备制造 less its power-equipment, autos and elevator parts: 1500 − 500 − 100 − 100亿元), and the
 * pace of its first half of 2015 against an even year (1 = on time progress, 50 % in June). The
 * generator scales the enterprises of a cluster by one factor so their first half lands there; the
 * months, growth and the rest of the year come from the simulation as before. Most clusters run near
 * time progress; coal coking and recycled metal (the 2015 slump in coal and metal prices) lag.
 */
export const DEMO_CLUSTER_SCALE: Readonly<Record<string, { revenue2015: number; pace: number }>> = {
  'power-equipment': { revenue2015: 5_000_000, pace: 1.03 },
  equipment: { revenue2015: 8_000_000, pace: 0.96 },
  'recycled-metal': { revenue2015: 5_000_000, pace: 0.81 },
  food: { revenue2015: 5_000_000, pace: 1.01 },
  'hair-products': { revenue2015: 3_000_000, pace: 1.05 },
  'coal-coking': { revenue2015: 3_000_000, pace: 0.74 },
  autos: { revenue2015: 1_000_000, pace: 0.94 },
  textiles: { revenue2015: 1_000_000, pace: 0.99 },
  biomedicine: { revenue2015: 1_000_000, pace: 1.07 },
  elevators: { revenue2015: 1_000_000, pace: 0.92 },
  tobacco: { revenue2015: 1_000_000, pace: 1.02 },
  'building-materials': { revenue2015: 2_000_000, pace: 0.9 },
};
