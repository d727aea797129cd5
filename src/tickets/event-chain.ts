// The audit trail (网上留痕): each ticket event stores sha256(previous hash + event),
// so changing or removing any event breaks every hash after it.
//
// The chain covers an event's personal content (its free-text note and the citizen's or
// department's words in its data) through a hash of that content, stored beside it
// (contentHash), not through the content itself. So the retention policy can erase the
// content (src/cases/retention.ts) and every chain still verifies: the hash shows that
// something was there and when, the rest of the event (who did what, which state it led
// to) is still checked in full. Events written before content hashing (contentHash null)
// were hashed over their content directly; once erased, their own hash can only be trusted.
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** The event the retention policy appends when it erases a ticket's personal content. */
export const PURGED_EVENT = "purged";

/**
 * Keys of an event's data that hold what people wrote: erased by the retention policy.
 * The database trigger (migration 20261207010000_retention) names the same keys: change both.
 */
export const PERSONAL_EVENT_KEYS = ["reply", "comment", "supplement"] as const;

export interface ChainedEventFields {
  ticketId: string;
  seq: number;
  type: string;
  actor: string;
  note: string | null;
  data: unknown;
  createdAt: Date;
}

/** The part of an event's data that is not personal content. */
export function publicData(data: unknown): Record<string, unknown> {
  const copy = { ...((data ?? {}) as Record<string, unknown>) };
  for (const key of PERSONAL_EVENT_KEYS) delete copy[key];
  return copy;
}

function personalData(data: unknown): Record<string, unknown> {
  const all = (data ?? {}) as Record<string, unknown>;
  return Object.fromEntries(PERSONAL_EVENT_KEYS.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
}

/** sha256 of an event's personal content: its note and the personal keys of its data. */
export function contentHash(event: Pick<ChainedEventFields, "note" | "data">): string {
  return sha256(canonicalJson([event.note, personalData(event.data)]));
}

/** The hash of an event linked to `prevHash`, over its content hash rather than its content. */
export function eventHash(prevHash: string, event: ChainedEventFields & { contentHash: string }): string {
  // A fixed field order (not JSON key order of whatever object came in) keeps hashes stable.
  const canonical = JSON.stringify([
    event.ticketId,
    event.seq,
    event.type,
    event.actor,
    event.contentHash,
    canonicalJson(publicData(event.data)),
    event.createdAt.toISOString(),
  ]);
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

/** The hash of an event written before content hashing: over its content itself. */
export function legacyEventHash(prevHash: string, event: ChainedEventFields): string {
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

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export interface StoredEvent extends ChainedEventFields {
  prevHash: string;
  hash: string;
  /** null: written before content hashing (legacyEventHash). */
  contentHash: string | null;
  /** When the retention policy erased its personal content. */
  purgedAt: Date | null;
}

export interface ChainCheck {
  /** The first broken link, if any. */
  broken?: { seq: number; reason: string };
  /** Erased events written before content hashing: linked, but their own hash cannot be recomputed. */
  unverifiable: number;
}

/** Checks one ticket's events (in seq order). */
export function checkChain(events: StoredEvent[]): ChainCheck {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let unverifiable = 0;
  const broken = (seq: number, reason: string): ChainCheck => ({ broken: { seq, reason }, unverifiable });
  for (const event of events) {
    if (event.seq !== expectedSeq) return broken(event.seq, `expected event #${expectedSeq}, found #${event.seq}`);
    if (event.prevHash !== prev) return broken(event.seq, "previous-hash link does not match");
    if (event.contentHash !== null) {
      if (event.purgedAt === null && contentHash(event) !== event.contentHash)
        return broken(event.seq, "content does not match its hash");
      if (eventHash(prev, { ...event, contentHash: event.contentHash }) !== event.hash)
        return broken(event.seq, "content does not match its hash");
    } else if (event.purgedAt !== null) {
      unverifiable++;
    } else if (legacyEventHash(prev, event) !== event.hash) {
      return broken(event.seq, "content does not match its hash");
    }
    prev = event.hash;
    expectedSeq++;
  }
  return { unverifiable };
}

/** Checks one ticket's events (in seq order); returns the first broken link, if any. */
export function findBrokenLink(events: StoredEvent[]): { seq: number; reason: string } | undefined {
  return checkChain(events).broken;
}
