import { IdentifierError } from '../errorCodes';

export type RegionLevel = 'CITY' | 'DISTRICT' | 'COUNTY' | 'ZONE';

export interface RegionRecord {
  code: string;
  name: string;
  nameEn: string;
  level: RegionLevel;
  parentCode: string | null;
  /** No national code exists: the city assigned one in the 7x range for statistical zones. */
  locallyAssigned: boolean;
}

/**
 * The demo city, Xuchang 许昌市, as it stood in 2013–2015 (GB/T 2260). 许昌县 became 建安区
 * (411003) in 2016, after the period the data covers. The two zones without a national code get
 * locally assigned codes in the 71–79 range the national statistical zone codes use for development zones.
 */
export const REGIONS: readonly RegionRecord[] = [
  { code: '411000', name: '许昌市', nameEn: 'Xuchang', level: 'CITY', parentCode: null, locallyAssigned: false },
  { code: '411002', name: '魏都区', nameEn: 'Weidu District', level: 'DISTRICT', parentCode: '411000', locallyAssigned: false },
  { code: '411023', name: '许昌县', nameEn: 'Xuchang County', level: 'COUNTY', parentCode: '411000', locallyAssigned: false },
  { code: '411024', name: '鄢陵县', nameEn: 'Yanling County', level: 'COUNTY', parentCode: '411000', locallyAssigned: false },
  { code: '411025', name: '襄城县', nameEn: 'Xiangcheng County', level: 'COUNTY', parentCode: '411000', locallyAssigned: false },
  { code: '411081', name: '禹州市', nameEn: 'Yuzhou (county-level city)', level: 'COUNTY', parentCode: '411000', locallyAssigned: false },
  { code: '411082', name: '长葛市', nameEn: 'Changge (county-level city)', level: 'COUNTY', parentCode: '411000', locallyAssigned: false },
  { code: '411071', name: '许昌经济技术开发区', nameEn: 'Xuchang Economic and Technological Development Zone', level: 'ZONE', parentCode: '411000', locallyAssigned: false },
  { code: '411072', name: '城乡一体化示范区', nameEn: 'Urban–Rural Integration Demonstration Zone', level: 'ZONE', parentCode: '411000', locallyAssigned: true },
  { code: '411073', name: '东城区', nameEn: 'Dongcheng District (development zone)', level: 'ZONE', parentCode: '411000', locallyAssigned: true },
];

const BY_CODE = new Map(REGIONS.map((r) => [r.code, r]));
const KIND = 'region code (GB/T 2260 行政区划代码)';

export function findRegion(code: string): RegionRecord | undefined {
  return BY_CODE.get(code);
}

/** The city's own code: the root of the region tree. */
export const CITY_CODE = REGIONS.find((r) => r.level === 'CITY')!.code;

/** Districts, counties and zones: what the meeting ranks (排名通报). */
export const DISTRICTS: readonly RegionRecord[] = REGIONS.filter((r) => r.parentCode === CITY_CODE);

/** A 6-digit code that this city knows. */
export function parseRegionCode(input: unknown): string {
  if (typeof input !== 'string') throw new IdentifierError(KIND, input, 'must be a string of 6 digits, e.g. "411002"');
  if (!/^\d{6}$/.test(input)) throw new IdentifierError(KIND, input, 'must be exactly 6 digits, e.g. "411002"');
  if (input.endsWith('0000')) throw new IdentifierError(KIND, input, 'is a province code; this city knows its city, district, county and zone codes');
  if (!BY_CODE.has(input)) {
    throw new IdentifierError(KIND, input, `is not a region of ${BY_CODE.get(CITY_CODE)!.name} (known: ${REGIONS.map((r) => r.code).join(', ')})`);
  }
  return input;
}

export function isRegionCode(input: unknown): boolean {
  try {
    parseRegionCode(input);
    return true;
  } catch {
    return false;
  }
}
