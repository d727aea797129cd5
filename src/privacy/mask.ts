// Citizens type phone, ID and card numbers and e-mail addresses into chats. They must never
// reach logs or analytics in the clear; only the ticket a department works on keeps them.
// The phone and ID patterns are shared with src/language/entities/, which extracts the same
// numbers for tickets. Every pattern is ASCII: maskText folds full-width and other
// compatibility forms (１３８…, ＠, ideographic space) to ASCII first (NFKC), see fold-ascii.ts.
import { foldToAscii } from "./fold-ascii.ts";

// Mainland mobile numbers: 1[3-9] + 9 digits, not glued to other digits; written whole
// (13812345678), grouped 3-4-4 with spaces, hyphens or dots, or after +86 / 86.
// Dots only as both separators (138.8888.6666), so a decimal like 138.12345678 is no phone.
export const MOBILE_PATTERN =
  /(?<![\d+])((?:\+?86[\s-]?)?)(1[3-9]\d)([\s.-]?)(\d{4})((?<=\.\d{4})\.|(?<!\.\d{4})[\s-]?)(\d{4})(?!\d)/g;
// Landlines with an area code: 010-62345678, (0755) 2345 678, 0371-6234567-801.
// The area code starts with 0[1-9]; the local number has 7 or 8 digits, optional extension.
// Not glued to letters, digits or hyphens, so hex ids and dates in log lines are left alone.
export const LANDLINE_PATTERN =
  /(?<![\w-])(\(?0[1-9]\d{1,2}\)?)([\s-]?)(\d{3,4})([\s-]?)(\d{4})((?:-|转)\d{1,5})?(?![\w-])/g;
// 18-digit resident ID numbers (last character may be X), whole or grouped 6-8-4 with spaces
// or hyphens. Masked whether or not the checksum is valid: a mistyped ID is still personal data.
export const RESIDENT_ID_PATTERN = /(?<![\dXx])(\d{6})([\s-]?)(\d{8})([\s-]?)(\d{3}[\dXx])(?![\dXx])/g;
// 15-digit resident ID numbers (issued until 2004): region, YYMMDD birth date, sequence. The
// birth date must look like one, so that other 15-digit numbers stay readable.
const RESIDENT_ID_15_PATTERN =
  /(?<![\dA-Za-z])([1-9]\d{5})([\s-]?)(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))([\s-]?)(\d{3})(?![\dA-Za-z])/g;
// Bank card numbers: 16 to 19 digits, whole or grouped, that pass the Luhn check (see maskCard).
const CARD_PATTERN = /(?<![\dA-Za-z])\d(?:[\s-]?\d){15,18}(?![\dA-Za-z])/g;
// E-mail addresses: the local part is masked but its first character (three stars, whatever
// its length), the domain stays.
// (No nested quantifiers: a log line full of "@aaaa…" must not make it backtrack for long.)
const EMAIL_PATTERN = /(?<![\w.%+-])([\w%+-])([\w.%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w-])/g;

const stars = (hidden: string) => "*".repeat(hidden.length);

/** In order: what one rule masked (stars) is no longer a number for the next. */
const RULES: { pattern: RegExp; mask: (match: string, groups: string[]) => string }[] = [
  { pattern: EMAIL_PATTERN, mask: (_m, [first, _rest, domain]) => `${first}***@${domain}` },
  {
    pattern: RESIDENT_ID_PATTERN,
    mask: (_m, [head, sep1, birth, sep2, tail]) => `${head}${sep1}${stars(birth!)}${sep2}${tail}`,
  },
  {
    pattern: RESIDENT_ID_15_PATTERN,
    mask: (_m, [head, sep1, birth, sep2, tail]) => `${head}${sep1}${stars(birth!)}${sep2}${tail}`,
  },
  { pattern: CARD_PATTERN, mask: (match) => maskCard(match) },
  {
    pattern: MOBILE_PATTERN,
    mask: (_m, [prefix, head, sep1, middle, sep2, tail]) => `${prefix}${head}${sep1}${stars(middle!)}${sep2}${tail}`,
  },
  {
    // Four stars for a 3- or 4-digit exchange alike: 0371-****4567.
    pattern: LANDLINE_PATTERN,
    mask: (_m, [area, sep1, _head, sep2, tail, extension]) => `${area}${sep1}****${sep2}${tail}${extension}`,
  },
];

/**
 * Masks personal numbers and e-mail addresses in free text, keeping their shape:
 * 13812345678 → 138****5678, 010-62345678 → 010-****5678, 110105199001010021 →
 * 110105********0021, 6222021234567890128 → 622202*********0128, zhang@qq.com → z***@qq.com.
 * Full-width digits are found too (１３８１２３４５６７８ → 138****5678); the rest of the
 * text is left as written.
 */
export function maskText(text: string): string {
  const folded = foldToAscii(text);
  if (!folded) return RULES.reduce((out, rule) => out.replace(rule.pattern, masker(rule.mask)), text);
  // Matched in the folded text; what no rule touched is given back as originally written.
  let current = folded.text;
  let written = folded.written;
  for (const rule of RULES) {
    let next = "";
    const nextWritten: string[] = [];
    let last = 0;
    for (const match of current.matchAll(rule.pattern)) {
      const masked = rule.mask(
        match[0],
        match.slice(1).map((g) => g ?? ""),
      );
      if (masked === match[0]) continue;
      next += current.slice(last, match.index) + masked;
      nextWritten.push(...written.slice(last, match.index), ...masked);
      last = match.index + match[0].length;
    }
    if (last === 0) continue;
    current = next + current.slice(last);
    written = [...nextWritten, ...written.slice(last)];
  }
  return written.join("");
}

function masker(mask: (match: string, groups: string[]) => string) {
  return (match: string, ...args: unknown[]) =>
    // replace() passes the groups, then the offset and the whole string.
    mask(
      match,
      args.slice(0, -2).map((g) => (g as string | undefined) ?? ""),
    );
}

/** A bank card keeps its first 6 (the bank) and last 4 digits and its separators; other numbers stay. */
function maskCard(written: string): string {
  const digits = written.replace(/\D/g, "");
  if (!passesLuhn(digits)) return written;
  let seen = 0;
  return written.replace(/\d/g, (d) => {
    seen++;
    return seen <= 6 || seen > digits.length - 4 ? d : "*";
  });
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
