// The welcome's "most asked services": counted over the citizens' latest messages only, so
// the count neither grows with a city's traffic nor lets an old burst outweigh today's asks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.ts";
import { PopularItems } from "../src/conversation/popular-items.ts";
import { shippedCatalog } from "./support/catalog.ts";
import { BACKENDS, openMigratedTestDatabase } from "./support/test-env.ts";

describe.each(BACKENDS)("popular items on %s", (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openMigratedTestDatabase(backend));
  });
  afterAll(async () => {
    await close();
  });

  /** Inbound messages understood as questions about these items, oldest first, a minute apart. */
  async function asked(codes: string[], from: Date): Promise<void> {
    const conversation = await db.prisma.conversation.create({
      data: { channel: "webchat", channelUserId: `popular-${from.getTime()}` },
    });
    await db.prisma.message.createMany({
      data: codes.map((code, i) => ({
        conversationId: conversation.id,
        direction: "in",
        channel: "webchat",
        text: "问题",
        outcome: { understanding: { kind: "service", serviceItem: { code } } },
        createdAt: new Date(from.getTime() + i * 60_000),
      })),
    });
  }

  it("ranks the items of the latest messages, and an older burst counts only within the look-back", async () => {
    const catalog = await shippedCatalog();
    const [a, b, c] = catalog.items.map((item) => item.code);
    const now = new Date();
    // Yesterday, a burst about A; in the last hour, B twice and C once.
    await asked([a!, a!, a!, a!], new Date(now.getTime() - 86_400_000));
    await asked([b!, c!, b!], new Date(now.getTime() - 3_600_000));
    const codes = async (lookBack: number) =>
      (
        await new PopularItems(
          db.prisma,
          () => catalog,
          () => [],
          3,
          lookBack,
        ).top(now)
      ).map((i) => i.code);
    expect(await codes(100)).toEqual([a, b, c]);
    // Only the three latest messages: A's burst is past, and A fills the third place only as
    // the catalog's first item.
    expect(await codes(3)).toEqual([b, c, a]);
  });
});
