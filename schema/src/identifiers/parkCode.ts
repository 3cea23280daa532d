import { IdentifierError } from '../errorCodes';
import { CITY_CODE, findRegion } from './regionCode';

const KIND = 'park code (园区代码)';

/**
 * A park's code (园区代码: 产业集聚区, 开发区, 工业园区), assigned by the department that keeps the park list:
 * `P`, the 6-digit code (GB/T 2260, or the city's locally assigned 7x code) of the district,
 * county or zone the park lies in, and a 2-digit number in that region, 01–99, in the order the
 * parks were listed: `P41108201` is 长葛市产业集聚区. A code is never reused or renumbered: a park
 * renamed, or a district recoded (许昌县 411023 became 建安区 411003 in 2016), keeps its code.
 * There is no national park code: the 2018 开发区审核公告目录 numbers only the zones it approves.
 */
export function parseParkCode(input: unknown): string {
  if (typeof input !== 'string') throw new IdentifierError(KIND, input, 'must be a string: "P", a 6-digit region code and a 2-digit number, e.g. "P41108201"');
  const match = /^P(\d{6})(\d{2})$/.exec(input);
  if (!match) throw new IdentifierError(KIND, input, 'must be "P", the 6-digit code of the park’s district and a 2-digit number, e.g. "P41108201"');
  const region = findRegion(match[1]);
  if (!region || region.code === CITY_CODE) {
    throw new IdentifierError(KIND, input, `characters 2–7 must be a district, county or zone of the city, got ${match[1]}`);
  }
  if (match[2] === '00') throw new IdentifierError(KIND, input, 'the number in the district starts at 01');
  return input;
}

/** The district, county or zone a park code names (characters 2–7). */
export function parkRegionCode(code: string): string {
  return code.slice(1, 7);
}

export function isParkCode(input: unknown): boolean {
  try {
    parseParkCode(input);
    return true;
  } catch {
    return false;
  }
}
