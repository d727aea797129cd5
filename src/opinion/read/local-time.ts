// Times as people in the city read them: "2026-11-02 09:15" in the hub's time zone.
import { zoneOffsetMs } from "../../calendar/zoned-days.ts";

export function localDateTime(at: Date, timeZone: string): string {
  return new Date(at.getTime() + zoneOffsetMs(at, timeZone)).toISOString().slice(0, 16).replace("T", " ");
}
