// Everything a complaint ticket keeps as structured fields: where (district, street,
// complex …), how to call back (phone numbers), who (resident ID numbers that pass the
// checksum) and when (dates resolved against the message's arrival).
import { RESIDENT_ID_PATTERN, maskText } from "../../privacy/mask.ts";
import { toHalfWidth } from "../text/normalize.ts";
import { findDates, type DateMention } from "./dates.ts";
import { findPhoneNumbers, type PhoneNumber } from "./phone-numbers.ts";
import { addressOf, findPlaces, type Address, type PlaceMention } from "./places.ts";
import { parseResidentId, type ResidentId } from "./resident-id.ts";

export interface ResidentIdMention extends ResidentId {
  index: number;
  masked: string;
}

export interface MessageEntities {
  /** The first place of each kind. */
  address: Address;
  places: PlaceMention[];
  phones: PhoneNumber[];
  residentIds: ResidentIdMention[];
  dates: DateMention[];
}

export interface EntityContext {
  /** When the message arrived: "昨天" is the day before this. */
  now: Date;
  /** IANA time zone of the hub (TIME_ZONE), default Asia/Shanghai. */
  timeZone?: string;
}

/** Indices refer to the text with full-width digits and letters made half-width (same length). */
export function extractEntities(rawText: string, context: EntityContext): MessageEntities {
  const text = toHalfWidth(rawText);
  const places = findPlaces(text);
  return {
    address: addressOf(places),
    places,
    phones: findPhoneNumbers(text),
    residentIds: findResidentIds(text),
    dates: findDates(text, context.now, context.timeZone),
  };
}

function findResidentIds(text: string): ResidentIdMention[] {
  return [...text.matchAll(RESIDENT_ID_PATTERN)].flatMap((match) => {
    const id = parseResidentId(match[0]);
    return id ? [{ ...id, index: match.index, masked: maskText(match[0]) }] : [];
  });
}
