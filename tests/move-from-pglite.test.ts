// An earlier version's embedded PGlite data moved into the private PostgreSQL server by
// `npm run db:move-from-pglite` (src/move-from-pglite-cli.ts): every row arrives, the PGlite files
// are kept aside as a backup, and the next start picks the server.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, openPrivatePostgres } from "../src/db/database.ts";
import { chooseEmbedded } from "../src/db/embedded-postgres.ts";
import { migrate } from "../src/db/migrate.ts";

const root = path.resolve(import.meta.dirname, "..");
let dataDir: string;

afterAll(async () => {
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

function moveCli(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/move-from-pglite-cli.ts"],
      { cwd: root, env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe("npm run db:move-from-pglite", { timeout: 300_000 }, () => {
  it("copies every row into the private PostgreSQL and keeps the PGlite files aside", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-move-"));
    await fs.chmod(dataDir, 0o755); // as root, PostgreSQL runs as postgres and must enter it
    const pglite = await openDatabase({ backend: "pglite", dataDir: path.join(dataDir, "pglite") });
    await migrate(pglite.sql);
    // Rows with a foreign key, JSON, a timestamp and text that must survive the trip unchanged.
    const conversation = await pglite.prisma.conversation.create({
      data: { channel: "webchat", channelUserId: "市民-1", context: { 步骤: ["一", 2], note: 'q"uote' } },
    });
    for (let i = 0; i < 2_500; i++) {
      await pglite.sql.query(
        `INSERT INTO "Message" (id, "conversationId", direction, channel, text, "createdAt") VALUES ($1, $2, 'in', 'webchat', $3, $4)`,
        [`m${i}`, conversation.id, `第${i}条：身份证丢了怎么办？\n`, new Date(Date.UTC(2026, 0, 1, 8, 0, 0, i % 1000))],
      );
    }
    await pglite.close();

    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" };
    delete env.DATABASE_URL;
    const moved = await moveCli(env);
    expect(moved.output).toMatch(/moved 2502 rows/); // and the row a migration seeds (OpinionRollupZone)
    expect(moved.code).toBe(0);

    const entries = await fs.readdir(dataDir);
    expect(entries).not.toContain("pglite");
    expect(entries.some((e) => e.startsWith("pglite.moved-"))).toBe(true);
    expect(await chooseEmbedded(dataDir, "postgres")).toEqual({ backend: "postgres", firstStart: false });

    const db = await openPrivatePostgres(dataDir, { info() {}, warn() {} });
    try {
      const stored = await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
      expect(stored.context).toEqual({ 步骤: ["一", 2], note: 'q"uote' });
      expect(stored.createdAt).toEqual(conversation.createdAt);
      expect(await db.prisma.message.count()).toBe(2_500);
      const m = await db.prisma.message.findUniqueOrThrow({ where: { id: "m1234" } });
      expect(m.text).toBe("第1234条：身份证丢了怎么办？\n");
      expect(m.createdAt.toISOString()).toBe("2026-01-01T08:00:00.234Z");
    } finally {
      await db.close();
    }

    // Run again: nothing left to move.
    expect((await moveCli(env)).output).toMatch(/nothing to move/);
  });
});
