// The opinion monitor's topic counts are kept by delta (issue 16): a poll adds only the
// messages it assigns, never recounts a growing topic, repeats of the same assignments change
// nothing, and a topic that loses messages is recounted exactly. A topic lists its latest
// tickets and counts them all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.ts";
import { MonitorStore } from "../src/opinion/monitor-store.ts";
import { type OpinionRow, storeOpinionRows } from "../src/opinion/opinion-store.ts";
import { TOPIC_TICKETS } from "../src/opinion/topic-writes.ts";
import { BACKENDS, openMigratedTestDatabase } from "./support/test-env.ts";

const BASE = Date.parse("2026-11-02T08:00:00Z");

const row = (n: number, over: Partial<OpinionRow> = {}): OpinionRow => ({
  sourceKind: "message",
  sourceId: `m${n}`,
  channel: n % 3 === 0 ? "web" : "wechat",
  at: new Date(BASE + n * 60_000),
  text: "停水了",
  sentiment: n % 2 === 0 ? "negative" : "neutral",
  score: -0.5,
  emotion: "愤怒",
  keywords: ["停水"],
  places: [],
  domain: null,
  // Every message a ticket; two messages share each ticket from m200 on.
  ticketNumber: `GD-${String(n < 200 ? n : 200 + Math.floor((n - 200) / 2)).padStart(5, "0")}`,
  ...over,
});

interface StoredTopic {
  id: string;
  messageCount: number;
  negativeCount: number;
  channels: string[];
  firstAt: string;
  lastAt: string;
  ticketNumbers: string[];
  ticketCount: number;
}

describe.each(BACKENDS)("topic writes on %s", (backend) => {
  let db: Database;
  let close: (() => Promise<void>) | undefined;
  let store: MonitorStore;
  const ids = new Map<number, string>();

  beforeAll(async () => {
    ({ db, close } = await openMigratedTestDatabase(backend));
    await storeOpinionRows(
      db.sql,
      Array.from({ length: 400 }, (_, n) => row(n)),
    );
    const stored = await db.sql.query<{ id: string; sourceId: string }>(
      `SELECT "id", "sourceId" FROM "OpinionMessage"`,
    );
    for (const { id, sourceId } of stored) ids.set(Number(sourceId.slice(1)), id);
    store = new MonitorStore(db.sql);
  });

  afterAll(async () => {
    await close?.();
  });

  const topic = async (id: string): Promise<StoredTopic | undefined> =>
    (
      await db.sql.query<StoredTopic & Record<string, unknown>>(
        `SELECT "id", "messageCount", "negativeCount", "channels", to_char("firstAt", 'HH24:MI') AS "firstAt",
           to_char("lastAt", 'HH24:MI') AS "lastAt", "ticketNumbers", "ticketCount" FROM "OpinionTopic" WHERE "id" = $1`,
        [id],
      )
    )[0];

  /** What a recount of the topic's messages gives. */
  const recounted = async (id: string): Promise<StoredTopic> => {
    const [facts] = await db.sql.query<StoredTopic & Record<string, unknown>>(
      `SELECT "topicId" AS "id", count(*)::int AS "messageCount",
         count(*) FILTER (WHERE "sentiment" = 'negative')::int AS "negativeCount",
         array_agg(DISTINCT "channel") AS "channels", to_char(min("at"), 'HH24:MI') AS "firstAt",
         to_char(max("at"), 'HH24:MI') AS "lastAt", count(DISTINCT "ticketNumber")::int AS "ticketCount"
       FROM "OpinionMessage" WHERE "topicId" = $1 GROUP BY 1`,
      [id],
    );
    const latest = await db.sql.query<{ n: string }>(
      `SELECT "ticketNumber" AS "n" FROM "OpinionMessage" WHERE "topicId" = $1
       GROUP BY 1 ORDER BY max("at") DESC, 1 DESC LIMIT ${TOPIC_TICKETS}`,
      [id],
    );
    return { ...facts!, ticketNumbers: latest.map((r) => r.n) };
  };

  const assign = (from: number, to: number, topicId: string) =>
    new Map(Array.from({ length: to - from }, (_, i) => [ids.get(from + i)!, topicId] as [string, string]));
  const summary = (id: string) => ({ id, label: `话题 ${id}`, keywords: ["停水"], places: [] });

  it("adds each poll's messages to the counts, without recounting the topic", async () => {
    // Polls of 50 messages each, in time order.
    for (let from = 0; from < 300; from += 50) await store.saveTopics(assign(from, from + 50, "T1"), [summary("T1")]);
    expect(await topic("T1")).toEqual(await recounted("T1"));
    expect((await topic("T1"))!.ticketNumbers).toHaveLength(TOPIC_TICKETS);
    expect((await topic("T1"))!.ticketCount).toBe(250);

    // A change behind the monitor's back is not picked up by the next poll: it adds what it
    // assigns and does not read the topic's other messages.
    await db.sql.query(`UPDATE "OpinionMessage" SET "sentiment" = 'negative' WHERE "id" = $1`, [ids.get(1)]);
    await store.saveTopics(assign(300, 310, "T1"), [summary("T1")]);
    const stored = (await topic("T1"))!;
    expect(stored.negativeCount).toBe((await recounted("T1")).negativeCount - 1);
    await db.sql.query(`UPDATE "OpinionMessage" SET "sentiment" = 'neutral' WHERE "id" = $1`, [ids.get(1)]);
    expect(await topic("T1")).toEqual(await recounted("T1"));
  });

  it("changes nothing when the same assignments are written again (a replay)", async () => {
    const before = await topic("T1");
    await store.saveTopics(assign(0, 310, "T1"), [summary("T1")]);
    await store.saveTopics(assign(250, 310, "T1"), [summary("T1")]);
    expect(await topic("T1")).toEqual(before);
  });

  it("recounts a topic that loses messages; the one taking them gains them", async () => {
    // A replay puts the latest 60 messages (and their tickets) into a topic of their own.
    await store.saveTopics(assign(250, 310, "T2"), [summary("T1"), summary("T2")]);
    expect(await topic("T1")).toEqual(await recounted("T1"));
    expect(await topic("T2")).toEqual(await recounted("T2"));
    // Then a merge moves some back, and new messages arrive for both.
    await store.saveTopics(new Map([...assign(280, 310, "T1"), ...assign(310, 330, "T2")]), [
      summary("T1"),
      summary("T2"),
    ]);
    expect(await topic("T1")).toEqual(await recounted("T1"));
    expect(await topic("T2")).toEqual(await recounted("T2"));
    expect((await topic("T1"))!.messageCount + (await topic("T2"))!.messageCount).toBe(330);
  });
});
