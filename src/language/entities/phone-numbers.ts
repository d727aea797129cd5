// Phone numbers a citizen leaves for a call back: mainland mobiles and landlines with
// an area code. The patterns are the privacy module's, so what is extracted here is
// exactly what the logs mask.
import { LANDLINE_PATTERN, maskText, MOBILE_PATTERN } from "../../privacy/mask.ts";

export interface PhoneNumber {
  kind: "mobile" | "landline";
  /** Digits only (a landline keeps its extension after "-"), e.g. 13812345678, 01062345678-801. */
  number: string;
  /** As written in the message, and where. */
  text: string;
  index: number;
  masked: string;
}

export function findPhoneNumbers(text: string): PhoneNumber[] {
  const found: PhoneNumber[] = [];
  for (const match of text.matchAll(MOBILE_PATTERN)) {
    const [written, , head, , middle, , tail] = match;
    found.push({
      kind: "mobile",
      number: `${head}${middle}${tail}`,
      text: written,
      index: match.index,
      masked: maskText(written),
    });
  }
  for (const match of text.matchAll(LANDLINE_PATTERN)) {
    const [written, area, , head, , tail, extension] = match;
    if (overlaps(found, match.index, written.length)) continue;
    const digits = `${area!.replace(/\D/g, "")}${head}${tail}`;
    const number = extension ? `${digits}-${extension.replace(/\D/g, "")}` : digits;
    found.push({ kind: "landline", number, text: written, index: match.index, masked: maskText(written) });
  }
  return found.sort((a, b) => a.index - b.index);
}

function overlaps(found: PhoneNumber[], index: number, length: number): boolean {
  return found.some((f) => index < f.index + f.text.length && f.index < index + length);
}
