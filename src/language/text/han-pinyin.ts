// Every reading (toneless pinyin) of every common Han character, as small integer ids,
// so "do these two characters sound alike" is a few array reads. Built once per
// process from @napi-rs/pinyin (~15 ms, ~170 KB).
import { pinyin } from "@napi-rs/pinyin";

const FIRST = 0x4e00; // CJK Unified Ideographs: the characters citizens type
const LAST = 0x9fff;
const MAX_READINGS = 4; // a few characters have more; the rarest readings are dropped
const SYLLABLE = /^[a-zü]+$/;

export class HanPinyin {
  private static instance: HanPinyin | undefined;
  /** Reading ids per character, MAX_READINGS slots each; 0 = empty slot. */
  private readonly readings = new Uint16Array((LAST - FIRST + 1) * MAX_READINGS);

  static shared(): HanPinyin {
    HanPinyin.instance ??= new HanPinyin();
    return HanPinyin.instance;
  }

  private constructor() {
    let block = "";
    for (let code = FIRST; code <= LAST; code++) block += String.fromCharCode(code);
    const all = pinyin(block, { style: 0 /* plain, no tones */, heteronym: true }) as string[][];
    const ids = new Map<string, number>();
    let index = 0;
    for (const readings of all) {
      const syllables = [...new Set(readings)].filter((r) => SYLLABLE.test(r)).slice(0, MAX_READINGS);
      // Characters without a reading come back as one entry holding the whole run.
      if (syllables.length === 0) {
        index += [...(readings[0] ?? " ")].length;
        continue;
      }
      syllables.forEach((reading, slot) => {
        let id = ids.get(reading);
        if (id === undefined) ids.set(reading, (id = ids.size + 1));
        this.readings[index * MAX_READINGS + slot] = id;
      });
      index++;
    }
    if (index !== LAST - FIRST + 1) throw new Error(`pinyin table misaligned: ${index} characters read`);
  }

  /** True when the two characters have a reading in common (公/工, 积/机, 证/正). */
  soundAlike(a: number, b: number): boolean {
    if (a === b) return true;
    if (a < FIRST || a > LAST || b < FIRST || b > LAST) return false;
    const i = (a - FIRST) * MAX_READINGS;
    const j = (b - FIRST) * MAX_READINGS;
    for (let x = 0; x < MAX_READINGS; x++) {
      const r = this.readings[i + x]!;
      if (r === 0) break;
      for (let y = 0; y < MAX_READINGS; y++) {
        const s = this.readings[j + y]!;
        if (s === 0) break;
        if (r === s) return true;
      }
    }
    return false;
  }

  /** The slot-th reading id of a character; 0 when it has no more (or is not Han). */
  readingAt(code: number, slot: number): number {
    if (code < FIRST || code > LAST || slot >= MAX_READINGS) return 0;
    return this.readings[(code - FIRST) * MAX_READINGS + slot]!;
  }

  /** Reading ids of a character (empty for non-Han). */
  readingsOf(code: number): number[] {
    if (code < FIRST || code > LAST) return [];
    const out: number[] = [];
    for (let x = 0; x < MAX_READINGS; x++) {
      const r = this.readings[(code - FIRST) * MAX_READINGS + x]!;
      if (r === 0) break;
      out.push(r);
    }
    return out;
  }
}
