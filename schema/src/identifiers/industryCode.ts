import { IdentifierError } from '../errorCodes';

const KIND = 'industry code (GB/T 4754-2017 国民经济行业分类)';

/** Sections (门类) of GB/T 4754-2017 and the divisions (大类) each spans. */
export const INDUSTRY_SECTIONS: Readonly<Record<string, { name: string; nameEn: string; divisions: [number, number] }>> = {
  A: { name: '农、林、牧、渔业', nameEn: 'Agriculture, forestry, animal husbandry and fishery', divisions: [1, 5] },
  B: { name: '采矿业', nameEn: 'Mining', divisions: [6, 12] },
  C: { name: '制造业', nameEn: 'Manufacturing', divisions: [13, 43] },
  D: { name: '电力、热力、燃气及水生产和供应业', nameEn: 'Electricity, heat, gas and water production and supply', divisions: [44, 46] },
  E: { name: '建筑业', nameEn: 'Construction', divisions: [47, 50] },
  F: { name: '批发和零售业', nameEn: 'Wholesale and retail trade', divisions: [51, 52] },
  G: { name: '交通运输、仓储和邮政业', nameEn: 'Transport, storage and postal services', divisions: [53, 60] },
  H: { name: '住宿和餐饮业', nameEn: 'Accommodation and catering', divisions: [61, 62] },
  I: { name: '信息传输、软件和信息技术服务业', nameEn: 'Information transmission, software and IT services', divisions: [63, 65] },
  J: { name: '金融业', nameEn: 'Finance', divisions: [66, 69] },
  K: { name: '房地产业', nameEn: 'Real estate', divisions: [70, 70] },
  L: { name: '租赁和商务服务业', nameEn: 'Leasing and business services', divisions: [71, 72] },
  M: { name: '科学研究和技术服务业', nameEn: 'Scientific research and technical services', divisions: [73, 75] },
  N: { name: '水利、环境和公共设施管理业', nameEn: 'Water conservancy, environment and public facilities management', divisions: [76, 79] },
  O: { name: '居民服务、修理和其他服务业', nameEn: 'Resident services, repair and other services', divisions: [80, 82] },
  P: { name: '教育', nameEn: 'Education', divisions: [83, 83] },
  Q: { name: '卫生和社会工作', nameEn: 'Health and social work', divisions: [84, 85] },
  R: { name: '文化、体育和娱乐业', nameEn: 'Culture, sports and entertainment', divisions: [86, 90] },
  S: { name: '公共管理、社会保障和社会组织', nameEn: 'Public administration, social security and social organisations', divisions: [91, 96] },
  T: { name: '国际组织', nameEn: 'International organisations', divisions: [97, 97] },
};

/**
 * `C` (section), `C38` (division), `C381` (group) or `C3811` (class). The division must lie
 * in the section's range: `C05` is refused because division 05 belongs to section A.
 */
export function parseIndustryCode(input: unknown): string {
  if (typeof input !== 'string') throw new IdentifierError(KIND, input, 'must be a string like "C3811"');
  const m = /^([A-Z])(\d{2}(\d{1,2})?)?$/.exec(input);
  if (!m) {
    throw new IdentifierError(KIND, input, 'must be a section letter optionally followed by 2, 3 or 4 digits, e.g. "C", "C38", "C381", "C3811"');
  }
  const section = INDUSTRY_SECTIONS[m[1]];
  if (!section) throw new IdentifierError(KIND, input, `section ${m[1]} does not exist; sections are A to T`);
  if (m[2]) {
    const division = Number(m[2].slice(0, 2));
    const [lo, hi] = section.divisions;
    if (division < lo || division > hi) {
      throw new IdentifierError(
        KIND,
        input,
        `division ${m[2].slice(0, 2)} is not in section ${m[1]} (${section.name}), which spans ${String(lo).padStart(2, '0')}–${String(hi).padStart(2, '0')}`,
      );
    }
  }
  return input;
}

export function isIndustryCode(input: unknown): boolean {
  try {
    parseIndustryCode(input);
    return true;
  } catch {
    return false;
  }
}

/** True when `code` is `prefix` or lies under it (`C3811` is under `C38` and `C`). */
export function industryWithin(code: string, prefix: string): boolean {
  return code.startsWith(prefix);
}
