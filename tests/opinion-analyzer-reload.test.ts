// The opinion analysis follows a reload of intents/ without a restart: a landmark added to the
// gazetteer (regions.yaml) is found, a word added to the lexicon (opinion-lexicon.yaml) counts —
// in the recorder the hub's worker and import use, and in a citizen's message analysed by the
// worker after the reload — and the opinion API knows the landmark by name. An edit that does
// not validate changes nothing.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { chatSessions } from "./support/chat-sessions.ts";
import { staffClients } from "./support/staff-accounts.ts";
import { eventually, startTestHub, type TestHub } from "./support/test-env.ts";

const NEW_PLACE = "990102P099";
const SAID = "青松苑的物业太拉胯了";

describe("the opinion analysis after a reload of intents/", () => {
  let dir: string;
  let t: TestHub;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-opinion-reload-"));
    await fs.cp(INTENTS_DIR, dir, { recursive: true });
    t = await startTestHub("postgresql", { workers: true, env: { INTENTS_DIR: dir } });
    app = await buildApp(t.hub);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const analyse = async (text: string) =>
    (await t.hub.opinionRecorders.current()).row({
      sourceKind: "message",
      sourceId: "reload-check",
      channel: "webchat",
      at: new Date(),
      text,
    });

  it("finds the new landmark and counts the new word, in the recorder and in the worker", async () => {
    const before = await analyse(SAID);
    expect(before.places).toEqual([]);
    const staff = await staffClients(t.hub, app, [{ username: "admin", role: "admin", displayName: "管理员" }]);
    const topicsThere = () => staff.get("admin", `/api/opinion/topics?place=${encodeURIComponent("青松苑")}`);
    expect((await topicsThere()).statusCode).toBe(400); // not in the gazetteer yet
    const recorder = await t.hub.opinionRecorders.current();
    expect(await t.hub.opinionRecorders.current()).toBe(recorder); // built once per snapshot

    await fs.appendFile(
      path.join(dir, "regions.yaml"),
      `  - { code: "${NEW_PLACE}", name: 青松苑, level: landmark, parent: "990102001003" }\n`,
    );
    const lexicon = path.join(dir, "opinion-lexicon.yaml");
    await fs.writeFile(
      lexicon,
      (await fs.readFile(lexicon, "utf8")).replace("\nnegative:\n", "\nnegative:\n  拉胯: 3\n"),
    );
    expect(await t.hub.knowledge.reload()).toMatchObject({ ok: true });

    const after = await analyse(SAID);
    expect(after.places).toEqual([NEW_PLACE]);
    expect(after.keywords).toContain("青松苑");
    expect(after.sentiment).toBe("negative");
    expect(after.score).toBeLessThan(before.score);
    const there = await topicsThere();
    expect(there.statusCode, there.body).toBe(200);

    // A citizen's message analysed by the hub's worker now.
    await chatSessions(app)("citizen-reload", SAID);
    const message = await t.hub.db.prisma.message.findFirstOrThrow({ where: { direction: "in", text: SAID } });
    const row = await eventually(
      async () =>
        (await t.hub.db.prisma.opinionMessage.findUnique({
          where: { sourceKind_sourceId: { sourceKind: "message", sourceId: message.id } },
        })) ?? undefined,
      20_000,
    );
    expect(row.places).toEqual([NEW_PLACE]);
    expect(row.sentiment).toBe("negative");
  }, 60_000);

  it("keeps the analysis it has when an edit does not validate", async () => {
    const serving = await t.hub.opinionRecorders.current();
    await fs.appendFile(
      path.join(dir, "regions.yaml"),
      '  - { code: "990102P098", name: 无主小区, level: landmark, parent: "000000000" }\n',
    );
    const result = await t.hub.knowledge.reload();
    expect(result.ok).toBe(false);
    expect(await t.hub.opinionRecorders.current()).toBe(serving);
  });
});
