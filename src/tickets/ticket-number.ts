// Readable ticket numbers a citizen can read out over the phone: GD20261122-000123.
// The date is the local (city) date; the counter restarts every day.
import { localDate } from "../calendar/zoned-days.ts";

export const TICKET_NUMBER = /^GD(\d{8})-(\d{6,})$/;

/** YYYYMMDD of `at` in the given time zone. */
export function localDay(at: Date, timeZone: string): string {
  return localDate(at, timeZone).replace(/-/g, "");
}

export function formatTicketNumber(day: string, sequence: number): string {
  return `GD${day}-${String(sequence).padStart(6, "0")}`;
}

export function isTicketNumber(text: string): boolean {
  return TICKET_NUMBER.test(text);
}
