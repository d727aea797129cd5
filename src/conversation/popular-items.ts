// "The most asked services" for a welcome message: the items citizens asked about
// most among their latest messages (at most `lookBackMessages`, over the last weeks), from
// the message log; cached, since a welcome is not worth a scan of the log each time. The
// count stops at the latest messages so its cost does not grow with a city's traffic.
// A new hub with no history offers the menu's items.
import type { Catalog, ServiceItem } from "../knowledge/catalog-schema.ts";
import type { PrismaClient } from "../db/database.ts";

const LOOK_BACK_MS = 30 * 24 * 3600_000;
const CACHE_MS = 10 * 60_000;

export class PopularItems {
  private cached: { at: number; items: ServiceItem[] } | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly catalog: () => Catalog,
    /** Codes offered when there is not enough history (e.g. the menu's items). */
    private readonly fallback: () => string[],
    private readonly limit = 5,
    /** How many of the latest inbound messages are counted. */
    private readonly lookBackMessages = 20_000,
  ) {}

  async top(now = new Date()): Promise<ServiceItem[]> {
    if (this.cached && now.getTime() - this.cached.at < CACHE_MS) return this.cached.items;
    const since = new Date(now.getTime() - LOOK_BACK_MS);
    const rows = await this.prisma.$queryRaw<{ code: string }[]>`
      SELECT "outcome"->'understanding'->'serviceItem'->>'code' AS "code"
      FROM (SELECT "outcome" FROM "Message" WHERE "direction" = 'in' AND "createdAt" > ${since}
            ORDER BY "createdAt" DESC LIMIT ${this.lookBackMessages}) latest
      WHERE "outcome"->'understanding'->>'kind' = 'service'
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${this.limit * 2}`;
    const byCode = new Map(this.catalog().items.map((item) => [item.code, item]));
    const items: ServiceItem[] = [];
    const codes = [...rows.map((r) => r.code), ...this.fallback(), ...this.catalog().items.map((item) => item.code)];
    for (const item of codes.map((code) => byCode.get(code))) {
      if (item && !items.includes(item)) items.push(item);
      if (items.length === this.limit) break;
    }
    this.cached = { at: now.getTime(), items };
    return items;
  }
}
