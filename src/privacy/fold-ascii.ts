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

/** The text folded to ASCII where NFKC allows; undefined when nothing folds (the common case). */
export function foldToAscii(text: string): FoldedText | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range as a whole
  if (!/[^\u0000-\u007f]/.test(text)) return undefined;
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
