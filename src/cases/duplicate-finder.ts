// Finds the open case a new complaint repeats (并案): filed within the window, at the
// same place (same district, or within 300 m when both have coordinates), naming the
// same road or complex if the new one names any, of the same category if both have
// one, and with similar words (bigram Jaccard at or above the configured threshold).
// Only complaints and requests for help (COMPLAINT_KINDS) are parents.
import type { PrismaClient } from "../db/database.ts";
import { Prisma, type Ticket } from "../generated/prisma/client.ts";
import { COMPLAINT_KINDS } from "../tickets/ticket-kind.ts";
import { metresBetween, placeNames, samePlaces, textSimilarity } from "./similarity.ts";

/** The ticket looked up, and where routing placed it. */
type Candidate = Pick<Ticket, "id" | "text" | "latitude" | "longitude">;
type Place = { district: string | null; category: string | null };

export interface DuplicateMatch {
  parent: Ticket;
  similarity: number;
}

/** States a parent can be in: routed, and still being worked. */
const PARENT_STATUSES = ["assigned", "accepted", "in_progress", "suspended", "returned"];
const NEARBY_METRES = 300;
// ~300 m of latitude; longitude is checked exactly afterwards.
const BOX_DEGREES = 0.003;
const MAX_CANDIDATES = 200;

export class DuplicateFinder {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: { windowHours: number; threshold: number; districts: readonly string[] },
  ) {}

  /** The roads and complexes a text names (stored with the ticket, indexed). */
  placesOf(text: string): string[] {
    return [...placeNames(text, this.options.districts)];
  }

  /** The open case this ticket repeats, if any. */
  async findParent(ticket: Candidate, place: Place, now = new Date()): Promise<DuplicateMatch | undefined> {
    return (await this.findParents([{ ticket, place }], now)).get(ticket.id);
  }

  /**
   * The open case each ticket repeats, by ticket id, in one query for all of them (the
   * routing worker asks for a whole batch). Tickets naming a road or complex are looked
   * up through the place-name index first: whatever the planner's statistics say, the
   * work is bounded by the complaints about those places, not by the district's traffic.
   * Tickets naming none are looked up by district (or by coordinates), one branch each.
   */
  async findParents(
    items: { ticket: Candidate; place: Place }[],
    now = new Date(),
  ): Promise<Map<string, DuplicateMatch>> {
    const since = new Date(now.getTime() - this.options.windowHours * 3600 * 1000);
    const lookups = items
      .map(({ ticket, place }) => ({ ticket, place, places: [...placeNames(ticket.text, this.options.districts)] }))
      .filter(
        ({ ticket, place }) => place.district !== null || (ticket.latitude !== null && ticket.longitude !== null),
      );
    const named = lookups.filter((l) => l.places.length > 0);
    const queries: Prisma.Sql[] = [];
    if (named.length > 0) {
      const input = JSON.stringify(
        named.map(({ ticket, place, places }) => ({
          id: ticket.id,
          district: place.district,
          category: place.category,
          latitude: ticket.latitude,
          longitude: ticket.longitude,
          places,
        })),
      );
      queries.push(Prisma.sql`(
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS x("id" text, "district" text, "category" text,
            "latitude" double precision, "longitude" double precision, "places" text[])
        ), named AS MATERIALIZED (
          -- Open cases of the window only: a busy road's years of closed tickets stay out.
          SELECT * FROM "Ticket" WHERE "places" && ${[...new Set(named.flatMap((l) => l.places))]}::text[]
            AND "parentId" IS NULL AND "createdAt" >= ${since} AND "status" IN (${Prisma.join(PARENT_STATUSES)})
            AND "kind" IN (${Prisma.join(COMPLAINT_KINDS)})
        ), ranked AS (
          SELECT i."id" AS "lookupFor", t.*, row_number() OVER (PARTITION BY i."id" ORDER BY t."createdAt" DESC) AS "rank"
          FROM input i JOIN named t ON t."places" && i."places"
          WHERE t."id" <> i."id"
            AND ((i."district" IS NOT NULL AND t."district" = i."district")
              OR (i."latitude" IS NOT NULL AND i."longitude" IS NOT NULL
                AND t."latitude" BETWEEN i."latitude" - ${BOX_DEGREES} AND i."latitude" + ${BOX_DEGREES}
                AND t."longitude" BETWEEN i."longitude" - ${BOX_DEGREES * 2} AND i."longitude" + ${BOX_DEGREES * 2}))
            AND (i."category" IS NULL OR t."category" = i."category" OR t."category" IS NULL)
        )
        SELECT * FROM ranked WHERE "rank" <= ${MAX_CANDIDATES})`);
    }
    for (const { ticket, place } of lookups.filter((l) => l.places.length === 0)) {
      queries.push(Prisma.sql`(SELECT ${ticket.id}::text AS "lookupFor", *, 0::bigint AS "rank" FROM "Ticket"
        WHERE "id" <> ${ticket.id} AND "parentId" IS NULL AND "createdAt" >= ${since}
          AND "status" IN (${Prisma.join(PARENT_STATUSES)}) AND "kind" IN (${Prisma.join(COMPLAINT_KINDS)})
          AND (${this.placeCondition(ticket, place.district)})
          ${place.category ? Prisma.sql`AND ("category" = ${place.category} OR "category" IS NULL)` : Prisma.empty}
        ORDER BY "createdAt" DESC
        LIMIT ${MAX_CANDIDATES})`);
    }
    const found = new Map<string, DuplicateMatch>();
    if (queries.length === 0) return found;
    const rows = await this.prisma.$queryRaw<
      (Ticket & { lookupFor: string; rank: bigint })[]
    >`${Prisma.join(queries, " UNION ALL ")}`;
    const byTicket = new Map<string, Ticket[]>();
    for (const { lookupFor, rank: _, ...candidate } of rows)
      byTicket.set(lookupFor, [...(byTicket.get(lookupFor) ?? []), candidate]);
    for (const { ticket, place } of lookups) {
      const best = this.best(ticket, place.district, byTicket.get(ticket.id) ?? []);
      if (best) found.set(ticket.id, best);
    }
    return found;
  }

  private best(ticket: Candidate, district: string | null, candidates: Ticket[]): DuplicateMatch | undefined {
    const places = placeNames(ticket.text, this.options.districts);
    let best: DuplicateMatch | undefined;
    for (const candidate of candidates) {
      if (!samePlaces(places, placeNames(candidate.text, this.options.districts))) continue;
      if (!this.near(ticket, candidate, district)) continue;
      const similarity = textSimilarity(ticket.text, candidate.text, this.options.districts);
      if (similarity >= this.options.threshold && (!best || similarity > best.similarity))
        best = { parent: candidate, similarity };
    }
    return best;
  }

  /** Same district, or within the box around the ticket's coordinates (one of them is known). */
  private placeCondition(ticket: Pick<Ticket, "latitude" | "longitude">, district: string | null): Prisma.Sql {
    const or: Prisma.Sql[] = [];
    if (district) or.push(Prisma.sql`"district" = ${district}`);
    if (ticket.latitude !== null && ticket.longitude !== null) {
      or.push(Prisma.sql`("latitude" BETWEEN ${ticket.latitude - BOX_DEGREES} AND ${ticket.latitude + BOX_DEGREES}
        AND "longitude" BETWEEN ${ticket.longitude - BOX_DEGREES * 2} AND ${ticket.longitude + BOX_DEGREES * 2})`);
    }
    return Prisma.join(or, " OR ");
  }

  private near(ticket: Pick<Ticket, "latitude" | "longitude">, candidate: Ticket, district: string | null): boolean {
    if (district && candidate.district === district) return true;
    if (
      ticket.latitude === null ||
      ticket.longitude === null ||
      candidate.latitude === null ||
      candidate.longitude === null
    )
      return false;
    return (
      metresBetween(
        { latitude: ticket.latitude, longitude: ticket.longitude },
        { latitude: candidate.latitude, longitude: candidate.longitude },
      ) <= NEARBY_METRES
    );
  }
}
