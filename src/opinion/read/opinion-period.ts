// The half-open period [from, to) every read of the opinion hub is about, and how its times
// go to and come from SQL: stored times are UTC wall times (timestamp without zone), so an
// instant is passed as its ISO string cast to timestamp, and read back as epoch milliseconds
// (the drivers would otherwise read a zoneless timestamp in the process's own zone).

export interface OpinionPeriod {
  from: Date;
  to: Date;
  /**
   * The hub's time zone: the period's whole local days in it are read from the daily rollups
   * (rollup-span.ts). Without it, only the hourly rollups are read (same counts, slower).
   */
  timeZone?: string;
}

/** A parameter for `$n::timestamp(3)`. */
export function sqlTime(at: Date): string {
  return at.toISOString();
}

/** The SQL expression of a stored time as epoch milliseconds. */
export function epochMs(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}

/** A time read back with epochMs. */
export function fromEpochMs(value: unknown): Date {
  return new Date(Number(value));
}
