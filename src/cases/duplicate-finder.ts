// Finds the open case a new complaint repeats (并案): filed within the window, at the
// same place (same district, or within 300 m when both have coordinates), naming the
// same road or complex if both name one, of the same category if both have one, and
// with similar words (bigram Jaccard at or above the configured threshold).
import type { PrismaClient } from "../db/database.ts";
import type { Prisma, Ticket } from "../generated/prisma/client.ts";
import { metresBetween, placeNames, samePlaces, textSimilarity } from "./similarity.ts";

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

  async findParent(ticket: Pick<Ticket, "id" | "text" | "latitude" | "longitude">, place: { district: string | null; category: string | null }, now = new Date()): Promise<DuplicateMatch | undefined> {
    const where = this.placeCondition(ticket, place.district);
    if (!where) return undefined;
    const candidates = await this.prisma.ticket.findMany({
      where: {
        AND: [
          where,
          {
            id: { not: ticket.id },
            parentId: null,
            status: { in: PARENT_STATUSES },
            createdAt: { gte: new Date(now.getTime() - this.options.windowHours * 3600 * 1000) },
          },
        ],
      },
      orderBy: { createdAt: "desc" },
      take: MAX_CANDIDATES,
    });
    const places = placeNames(ticket.text, this.options.districts);
    let best: DuplicateMatch | undefined;
    for (const candidate of candidates) {
      if (place.category && candidate.category && place.category !== candidate.category) continue;
      if (!samePlaces(places, placeNames(candidate.text, this.options.districts))) continue;
      if (!this.near(ticket, candidate, place.district)) continue;
      const similarity = textSimilarity(ticket.text, candidate.text, this.options.districts);
      if (similarity >= this.options.threshold && (!best || similarity > best.similarity)) best = { parent: candidate, similarity };
    }
    return best;
  }

  private placeCondition(ticket: Pick<Ticket, "latitude" | "longitude">, district: string | null): Prisma.TicketWhereInput | undefined {
    const or: Prisma.TicketWhereInput[] = [];
    if (district) or.push({ district });
    if (ticket.latitude !== null && ticket.longitude !== null) {
      or.push({
        latitude: { gte: ticket.latitude - BOX_DEGREES, lte: ticket.latitude + BOX_DEGREES },
        longitude: { gte: ticket.longitude - BOX_DEGREES * 2, lte: ticket.longitude + BOX_DEGREES * 2 },
      });
    }
    return or.length > 0 ? { OR: or } : undefined;
  }

  private near(ticket: Pick<Ticket, "latitude" | "longitude">, candidate: Ticket, district: string | null): boolean {
    if (district && candidate.district === district) return true;
    if (ticket.latitude === null || ticket.longitude === null || candidate.latitude === null || candidate.longitude === null) return false;
    return metresBetween({ latitude: ticket.latitude, longitude: ticket.longitude }, { latitude: candidate.latitude, longitude: candidate.longitude }) <= NEARBY_METRES;
  }
}
