// Calendar days in the city's time zone: which local day an instant falls on, and
// when a local day starts. Working days are local days, whatever the server's zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// Offsets change (if ever) on whole hours; asking Intl is slow, so each hour is asked once.
const HOUR_MS = 3600 * 1000;
const offsetCache = new Map<string, number>();
const MAX_CACHED = 10_000;

/** How far the zone's wall clock is ahead of UTC at this instant, in ms. */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(at.getTime() / HOUR_MS)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size >= MAX_CACHED) offsetCache.clear();
    offset = askOffset(new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS), timeZone);
    offsetCache.set(key, offset);
  }
  return offset;
}

function askOffset(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The local day ("2026-11-22") an instant falls on. */
export function localDate(at: Date, timeZone: string): string {
  return new Date(at.getTime() + zoneOffsetMs(at, timeZone)).toISOString().slice(0, 10);
}

/** The instant a local day begins. */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const wallMidnight = Date.parse(`${day}T00:00:00Z`);
  // The offset at midnight may differ from the one at the guess (daylight saving): correct once.
  let at = wallMidnight - zoneOffsetMs(new Date(wallMidnight), timeZone);
  at = wallMidnight - zoneOffsetMs(new Date(at), timeZone);
  return new Date(at);
}

/** The local day after `day`. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Day of the week of a local day: 0 Sunday … 6 Saturday. */
export function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}
