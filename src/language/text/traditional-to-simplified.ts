// Traditional → Simplified Chinese with OpenCC's own tables (phrases first, so
// 乾淨 → 干净 but 乾坤 stays). Most messages are already simplified: a scan for any
// traditional character comes first, and only texts that have one are converted.
import { ConverterFactory } from "opencc-js/core";
import TSCharacters from "opencc-js/dict/TSCharacters";
import TSPhrases from "opencc-js/dict/TSPhrases";

interface Tables {
  convert: (text: string) => string;
  /** One bit per BMP code point: set for a traditional character (8 KB: stays in cache). */
  traditional: Int32Array;
}

let tables: Tables | undefined;

function load(): Tables {
  const traditional = new Int32Array(0x10000 >>> 5);
  // Entries are "source target[ alternative…]" separated by "|". A phrase only matters
  // when it holds a traditional character, so the character table decides alone.
  for (const entry of TSCharacters.split("|")) {
    const [source, target] = entry.split(" ");
    // Astral characters (surrogate pairs) are rare: converted only alongside a BMP one.
    if (source?.length !== 1 || source === target) continue;
    const code = source.charCodeAt(0);
    traditional[code >>> 5]! |= 1 << (code & 31);
  }
  return { convert: ConverterFactory([[TSPhrases, TSCharacters]]), traditional };
}

/** Whether a BMP code unit is a traditional character (one toSimplified converts). */
export function isTraditional(code: number): boolean {
  tables ??= load();
  return (tables.traditional[code >>> 5]! & (1 << (code & 31))) !== 0;
}

/** The text in Simplified Chinese; the same string when it has no traditional character. */
export function toSimplified(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (isTraditional(text.charCodeAt(i))) return tables!.convert(text);
  }
  return text;
}
