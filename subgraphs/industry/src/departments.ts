import { badUserInput } from '@huishang/schema';

/**
 * The five departments of the consultation meeting a problem can be assigned to (责任单位), by the
 * subgraph that speaks for them. `name` is how the problem list prints the owner; the aliases are
 * what a person may type instead of the key.
 */
export const OWNER_DEPARTMENTS = [
  { key: 'industry', name: '市工信委', aliases: ['工信委', '市发改委', '发改委', '工业和信息化委员会'] },
  { key: 'finance', name: '市金融办', aliases: ['金融办', '人行', '人民银行', '银监', '银监分局', '国税', '国税局', '地税', '地税局'] },
  { key: 'energy', name: '供电公司', aliases: ['市供电公司', '供电', '燃气公司'] },
  { key: 'statistics', name: '市统计局', aliases: ['统计局'] },
  { key: 'hr', name: '市人社局', aliases: ['人社局', '人力资源和社会保障局'] },
] as const;

export type OwnerKey = (typeof OWNER_DEPARTMENTS)[number]['key'];

export function ownerName(key: string): string {
  return OWNER_DEPARTMENTS.find((d) => d.key === key)?.name ?? key;
}

/** `energy`, `供电公司` or `供电` → `energy`; anything else is refused naming `field`. */
export function resolveOwner(input: string, field: string): OwnerKey {
  const text = input.trim();
  const found = OWNER_DEPARTMENTS.find(
    (d) => d.key === text.toLowerCase() || d.name === text || (d.aliases as readonly string[]).includes(text),
  );
  if (!found) {
    throw badUserInput(
      field,
      `${JSON.stringify(input)} is not a department of the meeting; use one of ${OWNER_DEPARTMENTS.map((d) => `${d.key} (${d.name})`).join(', ')}`,
    );
  }
  return found.key;
}
