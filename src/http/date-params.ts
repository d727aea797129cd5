// Dates in query strings: a local day ("2026-11-22", in the city's time zone) or an instant.
import { nextDay, startOfLocalDay } from "../calendar/zoned-days.ts";
import { HttpError } from "./error-handler.ts";

/** `from`: the start of the day; `to`: the end of the day (the start of the next), so both ends are included. */
export function periodBound(
  value: string | undefined,
  side: "from" | "to",
  timeZone: string,
  field: string,
): Date | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new HttpError(400, `${field} is not a valid date`);
    return startOfLocalDay(side === "from" ? value : nextDay(value), timeZone);
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new HttpError(400, `${field} is not a valid date`);
  return at;
}
