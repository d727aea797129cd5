// Catalog operations over HTTP: the admin token, reloading intents/ (by request and
// on file change) with a bad edit kept away from citizens, and the report of
// unanswered questions grouped by similarity with phone and ID numbers masked.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { INTENTS_DIR } from "./support/catalog.ts";
import { chatSessions } from "./support/chat-sessions.ts";
import { eventually, startTestHub, type TestHub } from "./support/test-env.ts";

const TOKEN = "test-admin-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };

async function copyIntents(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-intents-"));
  await fs.cp(INTENTS_DIR, dir, { recursive: true });
  return dir;
}

async function editFile(file: string, edit: (text: string) => string): Promise<void> {
  await fs.writeFile(file, edit(await fs.readFile(file, "utf8")));
}

describe("admin API without ADMIN_TOKEN", () => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub("pglite");
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it("is disabled, and says how to enable it", async () => {
    for (const [method, url] of [
      ["POST", "/api/admin/catalog/reload"],
      ["GET", "/api/admin/unanswered"],
    ] as const) {
      const res = await app.inject({ method, url, headers: auth });
      expect(res.statusCode, url).toBe(503);
      expect(res.json().message).toBe("admin API disabled: set ADMIN_TOKEN");
    }
  });
});

describe("admin API", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let intents: string;
  let chat: ReturnType<typeof chatSessions>;

  beforeAll(async () => {
    intents = await copyIntents();
    t = await startTestHub("postgresql", { env: { ADMIN_TOKEN: TOKEN, INTENTS_DIR: intents } });
    await t.hub.relay.stop();
    app = await buildApp(t.hub);
    chat = chatSessions(app);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    await fs.rm(intents, { recursive: true, force: true });
  });

  it("refuses a missing or wrong token", async () => {
    const none = await app.inject({ method: "GET", url: "/api/admin/unanswered" });
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    const wrong = await app.inject({
      method: "GET",
      url: "/api/admin/unanswered",
      headers: { authorization: "Bearer not-the-token" },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await app.inject({ method: "GET", url: "/api/admin/unanswered", headers: auth });
    expect(ok.statusCode).toBe(200);
  });

  it("reloads an edited catalog on request", async () => {
    await editFile(path.join(intents, "items/GA007.yaml"), (text) =>
      text.replace(/^fee: .*$/m, "fee: 每本98元（测试改动）"),
    );
    const res = await app.inject({ method: "POST", url: "/api/admin/catalog/reload", headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "reloaded", items: t.hub.catalog().items.length });
    const answer = await chat("reload-1", "办护照要多少钱");
    expect(answer.replies[0].text).toContain("每本98元（测试改动）");
  });

  it("rejects a catalog that does not validate and keeps the old one serving", async () => {
    const before = t.hub.knowledge.current;
    const file = path.join(intents, "items/GA003.yaml");
    const original = await fs.readFile(file, "utf8");
    await fs.writeFile(file, original.replace(/^department: .*$/m, "department: NOPE"));
    try {
      const res = await app.inject({ method: "POST", url: "/api/admin/catalog/reload", headers: auth });
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.status).toBe("rejected");
      expect(body.problems.join("\n")).toContain("GA003");
      expect(body.problems.join("\n")).toContain("department");
      expect(body.serving.items).toBe(before.catalog.items.length);
      expect(t.hub.knowledge.current).toBe(before);
      const answer = await chat("reload-2", "身份证丢了怎么办");
      expect(answer.understanding.serviceItem.code).toBe("GA003");
    } finally {
      await fs.writeFile(file, original);
    }
  });

  it("reloads by itself when a file under intents/ changes", async () => {
    const before = t.hub.knowledge.current;
    await editFile(path.join(intents, "items/GA008.yaml"), (text) =>
      text.replace(/^timeLimit: .*$/m, "timeLimit: 7个工作日（测试改动）"),
    );
    await eventually(async () => (t.hub.knowledge.current !== before ? true : undefined), 20_000);
    const answer = await chat("watch-1", "港澳通行证要多久能办好");
    expect(answer.replies[0].text).toContain("7个工作日（测试改动）");
  });

  it("reports unanswered questions by frequency, similar wordings together, numbers masked", async () => {
    const asked = [
      "怎么申请专利",
      "怎么申请专利啊",
      "专利怎么申请",
      "请问怎么申请专利？",
      "我的电话13812345678，怎么申请专利",
      "宽带怎么安装",
      "家里宽带怎么安装",
      "我叫张三，号码110105199001010021，宽带报装找谁",
    ];
    for (const [i, text] of asked.entries()) {
      const reply = await chat(`unanswered-${i}`, text);
      expect(reply.understanding.decision, text).toBe("fallback");
    }
    const res = await app.inject({ method: "GET", url: "/api/admin/unanswered?days=7&limit=10", headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBeGreaterThanOrEqual(asked.length);
    const [first, second] = body.groups;
    expect(first.text).toContain("专利");
    expect(first.count).toBe(5);
    expect(first.questions.map((q: { text: string }) => q.text)).toContain("我的电话138****5678，怎么申请专利");
    expect(second.text).toContain("宽带");
    expect(second.count).toBeGreaterThanOrEqual(2);
    const all = JSON.stringify(body);
    expect(all).not.toContain("13812345678");
    expect(all).not.toContain("110105199001010021");
    expect(all).toContain("110105********0021");
  });

  it("names a bad query field", async () => {
    const res = await app.inject({ method: "GET", url: "/api/admin/unanswered?limit=0", headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe("querystring.limit");
  });
});
