import { INDUSTRY_SECTIONS } from '@huishang/schema';

/**
 * Names of GB/T 4754-2017 divisions (大类) of manufacturing (section C), and of the groups (中类)
 * and classes (小类) the city's clusters use. A class's name is otherwise taken from the register.
 */
export const INDUSTRY_NAMES: Readonly<Record<string, string>> = {
  C13: '农副食品加工业', C14: '食品制造业', C15: '酒、饮料和精制茶制造业', C16: '烟草制品业', C17: '纺织业',
  C18: '纺织服装、服饰业', C19: '皮革、毛皮、羽毛及其制品和制鞋业', C20: '木材加工和木、竹、藤、棕、草制品业', C21: '家具制造业',
  C22: '造纸和纸制品业', C23: '印刷和记录媒介复制业', C24: '文教、工美、体育和娱乐用品制造业', C25: '石油、煤炭及其他燃料加工业',
  C26: '化学原料和化学制品制造业', C27: '医药制造业', C28: '化学纤维制造业', C29: '橡胶和塑料制品业', C30: '非金属矿物制品业',
  C31: '黑色金属冶炼和压延加工业', C32: '有色金属冶炼和压延加工业', C33: '金属制品业', C34: '通用设备制造业', C35: '专用设备制造业',
  C36: '汽车制造业', C37: '铁路、船舶、航空航天和其他运输设备制造业', C38: '电气机械和器材制造业', C39: '计算机、通信和其他电子设备制造业',
  C40: '仪器仪表制造业', C41: '其他制造业', C42: '废弃资源综合利用业', C43: '金属制品、机械和设备修理业',
  C135: '屠宰及肉类加工', C171: '棉纺织及印染精加工', C271: '化学药品原料药制造', C274: '中成药生产', C301: '水泥、石灰和石膏制造',
  C344: '泵、阀门、压缩机及类似机械制造', C351: '采矿、冶金、建筑专用设备制造',
  C162: '卷烟制造', C192: '皮革制品制造', C243: '工艺美术及礼仪用品制造', C252: '煤炭加工', C324: '有色金属合金制造',
  C343: '物料搬运设备制造', C349: '其他通用设备制造业', C361: '汽车整车制造', C367: '汽车零部件及配件制造', C382: '输配电及控制设备制造', C421: '金属废料和碎屑加工处理',
  C2439: '其他工艺美术及礼仪用品制造', C3435: '电梯、自动扶梯及升降机制造', C3491: '工业机器人制造', C398: '电子元件及电子专用材料制造', C3982: '电子电路制造', C3612: '新能源车整车制造', C4210: '金属废料和碎屑加工处理',
};

export type IndustryLevelValue = 'SECTION' | 'DIVISION' | 'GROUP' | 'CLASS';

export function industryLevel(code: string): IndustryLevelValue {
  return code.length === 1 ? 'SECTION' : code.length === 3 ? 'DIVISION' : code.length === 4 ? 'GROUP' : 'CLASS';
}

export function industryParent(code: string): string | null {
  return code.length === 1 ? null : code.length === 3 ? code.slice(0, 1) : code.slice(0, code.length - 1);
}

/** The Chinese name of a code: the standard's, else the register's name of the class (`registerNames`), else null. */
export function industryName(code: string, registerNames: ReadonlyMap<string, string>): string | null {
  if (code.length === 1) return INDUSTRY_SECTIONS[code]?.name ?? null;
  return INDUSTRY_NAMES[code] ?? registerNames.get(code) ?? null;
}

export function industryNameEn(code: string): string | null {
  return code.length === 1 ? INDUSTRY_SECTIONS[code]?.nameEn ?? null : null;
}

/**
 * The city's industrial clusters (产业集群), kept by the industry bureau: each a named set of GB/T
 * 4754-2017 codes (an enterprise is in the cluster when its class lies under one of them). Item 七
 * of 许政[2015]39号 names the clusters and their revenue targets; item 九 the emerging industries
 * (新兴产业: new-energy vehicles, new-generation IT, industrial robots, biomedicine). Clusters may
 * overlap (装备制造 spans 电力装备, 汽车及零部件 and 电梯), as the paper's do.
 */
export interface ClusterDefinition {
  code: string;
  name: string;
  nameEn: string;
  industryCodes: readonly string[];
  source: string;
}

const ITEM_7 = '许政[2015]39号 item 七';
const ITEM_9 = '许政[2015]39号 item 九';

export const CLUSTERS: readonly ClusterDefinition[] = [
  // 装备制造业: divisions 33–40, the statistics bureau's grouping of equipment manufacturing.
  { code: 'equipment', name: '装备制造', nameEn: 'Equipment manufacturing', industryCodes: ['C33', 'C34', 'C35', 'C36', 'C37', 'C38', 'C39', 'C40'], source: ITEM_7 },
  { code: 'power-equipment', name: '电力装备', nameEn: 'Power equipment', industryCodes: ['C382'], source: ITEM_7 },
  { code: 'recycled-metal', name: '再生金属加工', nameEn: 'Recycled metal processing', industryCodes: ['C421', 'C324'], source: ITEM_7 },
  { code: 'food', name: '食品加工', nameEn: 'Food processing', industryCodes: ['C13', 'C14'], source: ITEM_7 },
  { code: 'hair-products', name: '发制品', nameEn: 'Hair products', industryCodes: ['C2439'], source: ITEM_7 },
  { code: 'coal-coking', name: '煤焦化', nameEn: 'Coal coking', industryCodes: ['C252'], source: ITEM_7 },
  { code: 'autos', name: '汽车及零部件', nameEn: 'Automobiles and parts', industryCodes: ['C36'], source: ITEM_7 },
  { code: 'textiles', name: '纺织箱包', nameEn: 'Textiles and luggage', industryCodes: ['C17', 'C18', 'C192'], source: ITEM_7 },
  { code: 'biomedicine', name: '生物医药', nameEn: 'Biomedicine', industryCodes: ['C27'], source: ITEM_7 },
  { code: 'elevators', name: '电梯', nameEn: 'Elevators', industryCodes: ['C3435'], source: ITEM_7 },
  { code: 'tobacco', name: '烟草', nameEn: 'Tobacco', industryCodes: ['C16'], source: ITEM_7 },
  { code: 'emerging', name: '新兴产业', nameEn: 'Emerging industries', industryCodes: ['C3612', 'C39', 'C3491', 'C27'], source: ITEM_9 },
];

export function clusterCodesOf(industryCode: string): string[] {
  return CLUSTERS.filter((c) => c.industryCodes.some((p) => industryCode.startsWith(p))).map((c) => c.code);
}
