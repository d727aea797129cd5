// Citizens type phone and ID numbers into chats. They must never reach logs or
// analytics in the clear; only the ticket a department works on keeps them.
// The patterns are shared with src/entities/, which extracts the same numbers for tickets.

// Mainland mobile numbers: 1[3-9] + 9 digits, not glued to other digits; written whole
// (13812345678), grouped 3-4-4 with spaces or hyphens, or after +86 / 86.
export const MOBILE_PATTERN = /(?<![\d+])((?:\+?86[\s-]?)?)(1[3-9]\d)([\s-]?)(\d{4})([\s-]?)(\d{4})(?!\d)/g;
// Landlines with an area code: 010-62345678, (0755) 2345 678, 0371-6234567-801.
// The area code starts with 0[1-9]; the local number has 7 or 8 digits, optional extension.
// Not glued to letters, digits or hyphens, so hex ids and dates in log lines are left alone.
export const LANDLINE_PATTERN =
  /(?<![\w-])(\(?0[1-9]\d{1,2}\)?)([\s-]?)(\d{3,4})([\s-]?)(\d{4})((?:-|转)\d{1,5})?(?![\w-])/g;
// 18-digit resident ID numbers (last character may be X). Masked whether or not the
// checksum is valid: a mistyped ID is still personal data.
export const RESIDENT_ID_PATTERN = /(?<![\dXx])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dXx])/g;

/** Masks phone and ID numbers in free text: 13812345678 → 138****5678, 010-62345678 → 010-****5678. */
export function maskText(text: string): string {
  return text
    .replace(
      RESIDENT_ID_PATTERN,
      (_m, head: string, _birth: string, tail: string) => `${head}********${tail.slice(-4)}`,
    )
    .replace(
      MOBILE_PATTERN,
      (_m, prefix: string, head: string, sep1: string, _mid: string, sep2: string, tail: string) =>
        `${prefix}${head}${sep1}****${sep2}${tail}`,
    )
    .replace(
      LANDLINE_PATTERN,
      (_m, area: string, sep1: string, _head: string, sep2: string, tail: string, extension = "") =>
        `${area}${sep1}****${sep2}${tail}${extension}`,
    );
}
