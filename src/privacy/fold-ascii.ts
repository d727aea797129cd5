// The masking patterns are ASCII, but citizens also type full-width digits (１３８…),
// ＠, （０７５５） or an ideographic space. NFKC folds those compatibility forms to
// ASCII; it is applied per character and only where the result is one printable ASCII
// character, so the text can be given back as written wherever nothing is masked.

const folds = new Map<number, string | null>();

function foldOf(codePoint: number): string | null {
  let folded = folds.get(codePoint);
  if (folded === undefined) {
    const nfkc = String.fromCodePoint(codePoint).normalize("NFKC");
    const code = nfkc.charCodeAt(0);
    folded = nfkc.length === 1 && code >= 0x20 && code < 0x7f ? nfkc : null;
    folds.set(codePoint, folded);
  }
  return folded;
}

export interface FoldedText {
  /** The text with compatibility forms folded to ASCII. */
  text: string;
  /** For each UTF-16 unit of `text`, what was written there ("" for the second unit of a pair). */
  written: string[];
}

/**
 * Which BMP code units fold to a character the masking patterns look at (digits, letters,
 * white space, - . ( ) + % @ _), built once (~15 ms). Full-width punctuation such as ，：
 * folds too, but to characters no pattern reads, so a Chinese line without full-width
 * digits or letters is told "nothing to fold" without NFKC.
 */
let foldableBmp: Uint8Array | undefined;

function foldable(): Uint8Array {
  if (foldableBmp) return foldableBmp;
  foldableBmp = new Uint8Array(0x10000);
  for (let code = 0x80; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const folded = foldOf(code);
    if (folded !== null && /[0-9A-Za-z_\s\-.()+%@]/.test(folded)) foldableBmp[code] = 1;
  }
  return foldableBmp;
}

/** Whether folding may change what a pattern sees: such a BMP character, or any astral one (checked slowly). */
function mayFold(text: string): boolean {
  const table = foldable();
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (table[code] === 1 || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

/** The text folded to ASCII where NFKC allows; undefined when nothing folds (the common case). */
export function foldToAscii(text: string): FoldedText | undefined {
  // Every Chinese log line comes here: most have nothing to fold, and are told so without NFKC.
  if (!mayFold(text)) return undefined;
  let out = "";
  const written: string[] = [];
  let changed = false;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const folded = code < 0x80 ? null : foldOf(code);
    if (folded !== null) {
      changed = true;
      out += folded;
      written.push(ch);
    } else {
      out += ch;
      written.push(ch);
      if (ch.length === 2) written.push("");
    }
  }
  return changed ? { text: out, written } : undefined;
}
