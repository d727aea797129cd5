// 并案 suggestions for the dispatch centre: open tickets of the duplicate window that
// the duplicate finder (the same rules routing merges by) takes for repeats of an
// earlier open case, best first. Confirming one is the ordinary merge action;
// dismissing one (不并案) records the pair in MergeDismissal so it is not offered again.
// Limitation: the finder offers each ticket its single best match; when that pair was
// dismissed or the match is newer than the ticket, the ticket has no suggestion.
import type { PrismaClient } from "../db/database.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { DuplicateFinder } from "./duplicate-finder.ts";

export interface MergeSuggestion {
  child: Ticket;
  parent: Ticket;
  /** Text similarity (bigram Jaccard, 0 … 1). */
  score: number;
  /** Why they look like one case, for the dispatcher to judge. */
  why: string;
}

/** Tickets a dispatcher may still merge (routing handles those not yet routed). */
const MERGEABLE = ["assigned", "returned", "accepted"];
const MAX_CHILDREN = 500;

export async function findMergeSuggestions(
  prisma: PrismaClient,
  duplicates: DuplicateFinder,
  options: { windowHours: number; limit: number; now?: Date },
): Promise<MergeSuggestion[]> {
  const now = options.now ?? new Date();
  const children = await prisma.ticket.findMany({
    where: {
      status: { in: MERGEABLE },
      parentId: null,
      createdAt: { gte: new Date(now.getTime() - options.windowHours * 3600_000) },
    },
    orderBy: { createdAt: "desc" },
    take: MAX_CHILDREN,
  });
  const found = await duplicates.findParents(
    children.map((ticket) => ({ ticket, place: { district: ticket.district, category: ticket.category } })),
    now,
  );
  const pairs = children.flatMap((child) => {
    const match = found.get(child.id);
    // The later complaint joins the earlier case, as routing merges.
    return match && isEarlier(match.parent, child) ? [{ child, parent: match.parent, score: match.similarity }] : [];
  });
  const dismissed = pairs.length
    ? await prisma.mergeDismissal.findMany({
        where: { OR: pairs.map((p) => ({ childId: p.child.id, parentId: p.parent.id })) },
        select: { childId: true, parentId: true },
      })
    : [];
  const isDismissed = new Set(dismissed.map((d) => `${d.childId}:${d.parentId}`));
  return pairs
    .filter((p) => !isDismissed.has(`${p.child.id}:${p.parent.id}`))
    .sort((a, b) => b.score - a.score || a.child.number.localeCompare(b.child.number))
    .slice(0, options.limit)
    .map((p) => ({ ...p, why: whyTheyMatch(p.child, p.parent, p.score) }));
}

function isEarlier(a: Ticket, b: Ticket): boolean {
  return a.createdAt < b.createdAt || (a.createdAt.getTime() === b.createdAt.getTime() && a.number < b.number);
}

/** "同在东湖区；都提到人民路；同一类别；文字相似度 62%". */
export function whyTheyMatch(
  child: Pick<Ticket, "district" | "places" | "category">,
  parent: Pick<Ticket, "district" | "places" | "category">,
  score: number,
): string {
  const reasons: string[] = [];
  if (child.district && child.district === parent.district) reasons.push(`同在${child.district}`);
  else reasons.push("位置相近");
  const shared = child.places.filter((p) => parent.places.includes(p));
  if (shared.length) reasons.push(`都提到${shared.join("、")}`);
  if (child.category && child.category === parent.category) reasons.push("同一类别");
  reasons.push(`文字相似度 ${Math.round(score * 100)}%`);
  return reasons.join("；");
}
