import { IdentifierError } from '../errorCodes';

/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 * 18 characters from a 31-character alphabet (no I, O, S, V, Z); the 18th is a check character.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const KIND = 'unified social credit code (统一社会信用代码)';

/** The check character for the first 17 characters of a code. */
export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new Error('need exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[i]);
    if (value < 0) throw new Error(`character ${first17[i]} is outside the alphabet`);
    sum += value * WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c];
}

/** Returns the code if valid; throws IdentifierError saying exactly what is wrong otherwise. */
export function parseCreditCode(input: unknown): string {
  if (typeof input !== 'string') throw new IdentifierError(KIND, input, 'must be a string');
  // Refused, not trimmed, as every other identifier scalar refuses it: a code taken with its
  // padding reached the register check as another code (UNKNOWN_SUBJECT), and queries trimmed it.
  if (input !== input.trim()) throw new IdentifierError(KIND, input, 'has spaces (or other whitespace) around it: send the 18 characters alone');
  const code = input;
  if (code.length !== 18) {
    throw new IdentifierError(KIND, input, `must be 18 characters, got ${code.length}`);
  }
  for (let i = 0; i < 18; i++) {
    if (!CREDIT_CODE_ALPHABET.includes(code[i])) {
      throw new IdentifierError(
        KIND,
        input,
        `character ${i + 1} (${JSON.stringify(code[i])}) is not allowed; use digits and upper-case letters except I, O, S, V, Z`,
      );
    }
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    throw new IdentifierError(KIND, input, 'characters 3–8 must be the 6-digit region code of the registering authority');
  }
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) {
    throw new IdentifierError(KIND, input, `check character is ${code[17]}, expected ${expected}`);
  }
  return code;
}

export function isCreditCode(input: unknown): boolean {
  try {
    parseCreditCode(input);
    return true;
  } catch {
    return false;
  }
}

/** Builds a valid code from its 17-character body (used by the demo-data generator). */
export function completeCreditCode(first17: string): string {
  return first17 + creditCodeCheckCharacter(first17);
}
