// Citizens type phone and ID numbers into chats. They must never reach logs or
// analytics in the clear; only the ticket a department works on keeps them.

// Mainland mobile numbers: 1[3-9] + 9 digits, not glued to other digits.
const MOBILE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
// 18-digit resident ID numbers (last character may be X). Masked whether or not the
// checksum is valid: a mistyped ID is still personal data.
const RESIDENT_ID = /(?<![\dXx])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dXx])/g;

/** Masks phone and ID numbers in free text: 13812345678 → 138****5678. */
export function maskText(text: string): string {
  return text
    .replace(RESIDENT_ID, (_m, head: string, _birth: string, tail: string) => `${head}********${tail.slice(-4)}`)
    .replace(MOBILE, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
}
