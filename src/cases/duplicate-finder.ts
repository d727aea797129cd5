// Finds the open case a new complaint repeats (并案): filed within the window, at the
// same place (same district, or within 300 m when both have coordinates), naming the
// same road or complex if the new one names any, of the same category if both have
// one, and with similar words (bigram Jaccard at or above the configured threshold).
import type { PrismaClient } from "../db/database.ts";
import { Prisma, type Ticket } from "../generated/prisma/client.ts";
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
   * routing worker asks for a whole batch): one narrowed lookup per ticket, joined by
   * UNION ALL, so each keeps the plan it would have on its own.
   */
  async findParents(items: { ticket: Candidate; place: Place }[], now = new Date()): Promise<Map<string, DuplicateMatch>> {
    const since = new Date(now.getTime() - this.options.windowHours * 3600 * 1000);
    const lookups = items.flatMap(({ ticket, place }) => {
      const where = this.placeCondition(ticket, place.district);
      if (!where) return [];
      const places = placeNames(ticket.text, this.options.districts);
      // Narrowed in the database: the same place, the same category (or none), naming one of the same roads.
      return [
        Prisma.sql`(SELECT ${ticket.id}::text AS "lookupFor", * FROM "Ticket"
          WHERE "id" <> ${ticket.id} AND "parentId" IS NULL AND "createdAt" >= ${since}
            AND "status" IN (${Prisma.join(PARENT_STATUSES)})
            AND (${where})
            ${place.category ? Prisma.sql`AND ("category" = ${place.category} OR "category" IS NULL)` : Prisma.empty}
            ${places.size > 0 ? Prisma.sql`AND "places" && ARRAY[${Prisma.join([...places])}]::text[]` : Prisma.empty}
          ORDER BY "createdAt" DESC
          LIMIT ${MAX_CANDIDATES})`,
      ];
    });
    const found = new Map<string, DuplicateMatch>();
    if (lookups.length === 0) return found;
    const rows = await this.prisma.$queryRaw<(Ticket & { lookupFor: string })[]>`${Prisma.join(lookups, " UNION ALL ")}`;
    const byTicket = new Map<string, Ticket[]>();
    for (const { lookupFor, ...candidate } of rows) byTicket.set(lookupFor, [...(byTicket.get(lookupFor) ?? []), candidate]);
    for (const { ticket, place } of items) {
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
      if (similarity >= this.options.threshold && (!best || similarity > best.similarity)) best = { parent: candidate, similarity };
    }
    return best;
  }

  private placeCondition(ticket: Pick<Ticket, "latitude" | "longitude">, district: string | null): Prisma.Sql | undefined {
    const or: Prisma.Sql[] = [];
    if (district) or.push(Prisma.sql`"district" = ${district}`);
    if (ticket.latitude !== null && ticket.longitude !== null) {
      or.push(Prisma.sql`("latitude" BETWEEN ${ticket.latitude - BOX_DEGREES} AND ${ticket.latitude + BOX_DEGREES}
        AND "longitude" BETWEEN ${ticket.longitude - BOX_DEGREES * 2} AND ${ticket.longitude + BOX_DEGREES * 2})`);
    }
    return or.length > 0 ? Prisma.join(or, " OR ") : undefined;
  }

  private near(ticket: Pick<Ticket, "latitude" | "longitude">, candidate: Ticket, district: string | null): boolean {
    if (district && candidate.district === district) return true;
    if (ticket.latitude === null || ticket.longitude === null || candidate.latitude === null || candidate.longitude === null) return false;
    return metresBetween({ latitude: ticket.latitude, longitude: ticket.longitude }, { latitude: candidate.latitude, longitude: candidate.longitude }) <= NEARBY_METRES;
  }
}

