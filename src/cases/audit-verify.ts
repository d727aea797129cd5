// `npm run audit:verify`: checks every ticket's hash chain and that the ticket row
// agrees with its history. Catches an edited, removed or inserted event and a ticket
// whose status, department, parent, category, deadline, number or text was changed
// behind the lifecycle's back (e.g. by someone with database rights and the trigger off).
// It cannot catch a rewrite of a whole chain with recomputed hashes; for that, record
// the digest it prints somewhere the database's administrators cannot write.
import { createHash } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import { checkChain, type StoredEvent } from "../tickets/event-chain.ts";
import { sha256 } from "./open-ticket.ts";
import { replayEvents } from "../tickets/replay-events.ts";
import { PURGED_EVENT } from "../tickets/event-chain.ts";

export interface AuditProblem {
  ticketId: string;
  ticketNumber: string;
  /** The event at fault, when one is. */
  seq?: number;
  eventType?: string;
  problem: string;
}

export interface AuditReport {
  tickets: number;
  events: number;
  problems: AuditProblem[];
  /**
   * Events whose personal content the retention policy erased but which were written
   * before content hashing: linked into their chain, but their own hash can only be trusted.
   */
  unverifiable: number;
  /** sha256 over every ticket's number and head hash, in number order. */
  digest: string;
}

const PAGE = 500;

export async function verifyAuditTrail(prisma: PrismaClient): Promise<AuditReport> {
  const report: AuditReport = { tickets: 0, events: 0, problems: [], unverifiable: 0, digest: "" };
  const digest = createHash("sha256");
  let after = "";
  for (;;) {
    const tickets = await prisma.ticket.findMany({
      where: { number: { gt: after } },
      orderBy: { number: "asc" },
      take: PAGE,
    });
    if (tickets.length === 0) break;
    const events = await prisma.ticketEvent.findMany({
      where: { ticketId: { in: tickets.map((t) => t.id) } },
      orderBy: [{ ticketId: "asc" }, { seq: "asc" }],
    });
    const byTicket = new Map<string, StoredEvent[]>();
    for (const event of events) {
      const chain = byTicket.get(event.ticketId);
      if (chain) chain.push(event);
      else byTicket.set(event.ticketId, [event]);
    }
    for (const ticket of tickets) {
      const chain = byTicket.get(ticket.id) ?? [];
      report.tickets++;
      report.events += chain.length;
      digest.update(`${ticket.number}:${ticket.headHash ?? ""}\n`);
      const checked = checkTicket(ticket, chain);
      report.problems.push(...checked.problems);
      report.unverifiable += checked.unverifiable;
    }
    after = tickets[tickets.length - 1]!.number;
  }
  report.digest = digest.digest("hex");
  return report;
}

type TicketRow = Awaited<ReturnType<PrismaClient["ticket"]["findMany"]>>[number];

export function checkTicket(
  ticket: TicketRow,
  chain: StoredEvent[],
): { problems: AuditProblem[]; unverifiable: number } {
  const problems: AuditProblem[] = [];
  const at = (problem: string, event?: StoredEvent) =>
    problems.push({
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      problem,
      ...(event && { seq: event.seq, eventType: event.type }),
    });

  const { broken, unverifiable } = checkChain(chain);
  const result = { problems, unverifiable };
  if (broken) {
    at(
      `event chain broken: ${broken.reason}`,
      chain.find((e) => e.seq === broken.seq) ?? ({ seq: broken.seq, type: "?" } as StoredEvent),
    );
    return result; // the history cannot vouch for the ticket row
  }
  if (chain.length === 0) {
    at("ticket has no events");
    return result;
  }
  const last = chain[chain.length - 1]!;
  if (ticket.eventCount !== chain.length || ticket.headHash !== last.hash) {
    at(
      `ticket's chain head (${ticket.eventCount} events, ${short(ticket.headHash)}) does not match its events (${chain.length}, ${short(last.hash)}): events were removed or added`,
    );
  }
  const replayed = replayEvents(chain);
  const mismatch = (field: string, row: unknown, history: unknown) =>
    at(`ticket ${field} is ${JSON.stringify(row)} but its history says ${JSON.stringify(history)}`);
  if (replayed.status !== ticket.status) mismatch("status", ticket.status, replayed.status);
  if (replayed.departmentCode !== undefined && replayed.departmentCode !== ticket.departmentCode)
    mismatch("department", ticket.departmentCode, replayed.departmentCode);
  if (replayed.parentId !== undefined && replayed.parentId !== ticket.parentId)
    mismatch("parent", ticket.parentId, replayed.parentId);
  if (replayed.category !== undefined && replayed.category !== ticket.category)
    mismatch("category", ticket.category, replayed.category);
  if (replayed.deadlineAt !== undefined && replayed.deadlineAt !== (ticket.deadlineAt?.toISOString() ?? null)) {
    mismatch("deadline", ticket.deadlineAt?.toISOString() ?? null, replayed.deadlineAt);
  }
  if (replayed.number !== undefined && replayed.number !== ticket.number)
    mismatch("number", ticket.number, replayed.number);
  checkErasure(ticket, chain, at);
  if (ticket.purgedAt === null && replayed.textSha256 !== undefined && replayed.textSha256 !== sha256(ticket.text))
    at("ticket text was changed after it was filed");
  return result;
}

/**
 * Erasing personal content is allowed only as the retention policy does it: on the record,
 * with a "purged" event after every erased event, and the ticket marked purged with it.
 */
function checkErasure(ticket: TicketRow, chain: StoredEvent[], at: (problem: string, event?: StoredEvent) => void) {
  const lastPurge = chain.findLast((e) => e.type === PURGED_EVENT);
  for (const event of chain) {
    if (event.purgedAt !== null && (lastPurge === undefined || event.seq > lastPurge.seq))
      at("event content was erased outside the retention policy (no purge on the record after it)", event);
  }
  if (ticket.purgedAt !== null && lastPurge === undefined)
    at("ticket is marked purged but its history has no purge on the record");
  if (ticket.purgedAt === null && lastPurge !== undefined) at("ticket's history records a purge the ticket row lacks");
}

function short(hash: string | null): string {
  return hash ? `${hash.slice(0, 12)}…` : "none";
}
