// The audit trail (网上留痕): each ticket event stores sha256(previous hash + event),
// so changing or removing any event breaks every hash after it.
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface ChainedEventFields {
  ticketId: string;
  seq: number;
  type: string;
  actor: string;
  note: string | null;
  data: unknown;
  createdAt: Date;
}

export function eventHash(prevHash: string, event: ChainedEventFields): string {
  // A fixed field order (not JSON key order of whatever object came in) keeps hashes stable.
  const canonical = JSON.stringify([
    event.ticketId,
    event.seq,
    event.type,
    event.actor,
    event.note,
    canonicalJson(event.data),
    event.createdAt.toISOString(),
  ]);
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

/** JSON with object keys sorted, so a database round trip cannot change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export interface StoredEvent extends ChainedEventFields {
  prevHash: string;
  hash: string;
}

/** Checks one ticket's events (in seq order); returns the first broken link, if any. */
export function findBrokenLink(events: StoredEvent[]): { seq: number; reason: string } | undefined {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq)
      return { seq: event.seq, reason: `expected event #${expectedSeq}, found #${event.seq}` };
    if (event.prevHash !== prev) return { seq: event.seq, reason: "previous-hash link does not match" };
    if (eventHash(prev, event) !== event.hash) return { seq: event.seq, reason: "content does not match its hash" };
    prev = event.hash;
    expectedSeq++;
  }
  return undefined;
}
