import { badUserInput, chineseNameParts, departmentRegistry } from '@huishang/schema';

/**
 * The departments of the consultation meeting a problem can be assigned to (责任单位), by the
 * subgraph that speaks for them: every department of the registry (subgraphs/departments.json).
 * `name` is how the problem list prints the owner (the registry's `ownerName`, else the first part
 * of its Chinese name); the aliases are what a person may type instead of the key (the parts of its
 * Chinese name and the registry's `aliases`).
 */
export const OWNER_DEPARTMENTS: readonly { key: string; name: string; aliases: readonly string[] }[] = departmentRegistry().departments.map((d) => ({
  key: d.name,
  name: d.ownerName ?? chineseNameParts(d)[0],
  aliases: [...chineseNameParts(d), ...(d.aliases ?? [])],
}));

/** A department's subgraph name as the registry lists it. */
export type OwnerKey = string;

export function ownerName(key: string): string {
  return OWNER_DEPARTMENTS.find((d) => d.key === key)?.name ?? key;
}

/** `energy`, `供电公司` or `供电` → `energy`; anything else is refused naming `field`. */
export function resolveOwner(input: string, field: string): OwnerKey {
  const text = input.trim();
  const found = OWNER_DEPARTMENTS.find((d) => d.key === text.toLowerCase() || d.name === text || d.aliases.includes(text));
  if (!found) {
    throw badUserInput(
      field,
      `${JSON.stringify(input)} is not a department of the meeting; use one of ${OWNER_DEPARTMENTS.map((d) => `${d.key} (${d.name})`).join(', ')}`,
    );
  }
  return found.key;
}
