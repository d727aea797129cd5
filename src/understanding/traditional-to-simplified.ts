// Traditional → Simplified Chinese with OpenCC's own tables (phrases first, so
// 乾淨 → 干净 but 乾坤 stays). Most messages are already simplified: a scan for any
// traditional character comes first, and only texts that have one are converted.
import { ConverterFactory } from "opencc-js/core";
import TSCharacters from "opencc-js/dict/TSCharacters";
import TSPhrases from "opencc-js/dict/TSPhrases";

interface Tables {
  convert: (text: string) => string;
  /** One byte per BMP code point: 1 for a traditional character. */
  startsTraditional: Uint8Array;
}

let tables: Tables | undefined;

function load(): Tables {
  const startsTraditional = new Uint8Array(0x10000);
  // Entries are "source target[ alternative…]" separated by "|". A phrase only matters
  // when it holds a traditional character, so the character table decides alone.
  for (const entry of TSCharacters.split("|")) {
    const [source, target] = entry.split(" ");
    // Astral characters (surrogate pairs) are rare: converted only alongside a BMP one.
    if (source?.length === 1 && source !== target) startsTraditional[source.charCodeAt(0)] = 1;
  }
  return { convert: ConverterFactory([[TSPhrases, TSCharacters]]), startsTraditional };
}

/** One byte per BMP code unit: 1 for a traditional character (one toSimplified converts). */
export function traditionalCharacters(): Uint8Array {
  tables ??= load();
  return tables.startsTraditional;
}

/** The text in Simplified Chinese; the same string when it has no traditional character. */
export function toSimplified(text: string): string {
  tables ??= load();
  const { startsTraditional } = tables;
  for (let i = 0; i < text.length; i++) {
    if (startsTraditional[text.charCodeAt(i)] === 1) return tables.convert(text);
  }
  return text;
}
