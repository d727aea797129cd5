// Issue 16, "the embedded default is slow": with no DATABASE_URL, `npm start` runs a private
// PostgreSQL server under DATA_DIR. Real processes, started as package.json's start script
// starts them (bootstrap → node .build/src/server.js → postgres): the server answers and stores
// chat, a second hub on the same DATA_DIR is refused, nothing outlives the hub (SIGTERM, kill -9),
// an orphaned postmaster is cleaned up by the next start, data survives restarts, and PGlite
// still serves when asked for.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { alive } from "./support/process-alive.ts";
import { npmScriptCommand } from "../scripts/npm-script.ts";
import { chooseEmbedded } from "../src/db/embedded-postgres.ts";
import { eventually, TEST_REDIS_URL, uniqueName } from "./support/test-env.ts";

const root = path.resolve(import.meta.dirname, "..");
const READY = /web chat\s+(http:\/\/\S+?)\/\s/;

interface Hub {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
}

const dirs: string[] = [];
const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

/** A DATA_DIR; `open`: traversable by the user postgres (mkdtemp makes it 0700), as ./data is. */
async function scratch(open = true): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-epg-"));
  if (open) await fs.chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}

/** Spawns the hub with no DATABASE_URL; `direct`: node on the built server alone, in a group of its own (no bootstrap). */
function spawnHub(dataDir: string, env: Record<string, string> = {}, direct = false): Hub {
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueName("epg"),
    ...env,
  };
  delete full.DATABASE_URL;
  const { program, args } = npmScriptCommand("start");
  // `start` is "bootstrap --build node … .build/src/server.js": direct runs only what follows node.
  const command = direct
    ? { program: process.execPath, args: args.slice(args.indexOf("node") + 1) }
    : { program, args };
  const child = spawn(command.program, command.args, {
    cwd: root,
    env: full,
    stdio: ["ignore", "pipe", "pipe"],
    detached: direct,
  });
  pids.push(child.pid!);
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url: "", output: () => output, exit };
}

async function startHub(dataDir: string, env: Record<string, string> = {}, direct = false): Promise<Hub> {
  const hub = spawnHub(dataDir, env, direct);
  let exited = false;
  void hub.exit.then(() => (exited = true));
  hub.url = await eventually(async () => {
    if (exited) throw new Error(`the hub exited:\n${hub.output()}`);
    return READY.exec(hub.output())?.[1];
  }, 150_000);
  return hub;
}

/** The postmaster's pid and port, from postmaster.pid (lines 1 and 4). */
async function postmaster(dataDir: string): Promise<{ pid: number; port: number }> {
  const lines = (await fs.readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

async function chat(url: string, text: string): Promise<void> {
  const res = await fetch(`${url}/api/chat/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  expect(res.status).toBe(200);
}

/** The inbound messages with this text, read straight from the private PostgreSQL. */
async function storedMessages(dataDir: string, text: string): Promise<number> {
  const { port } = await postmaster(dataDir);
  const password = (await fs.readFile(path.join(dataDir, "postgres.password"), "utf8")).trim();
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "hub" });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "Message" WHERE direction = 'in' AND text = $1`,
      [text],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function stop(hub: Hub, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  hub.child.kill(signal);
  return hub.exit;
}

const serverPidOf = (bootstrapPid: number) =>
  Number(readFileSync(`/proc/${bootstrapPid}/task/${bootstrapPid}/children`, "utf8").trim().split(/\s+/)[0]);

describe("the private PostgreSQL of npm start", { timeout: 600_000 }, () => {
  it("answers and stores chat, refuses a second hub, stops with the hub, keeps its data", async () => {
    const dataDir = await scratch();
    const first = await startHub(dataDir);
    expect(first.output()).toMatch(/database\s+postgresql \(.*\/postgres\)/);
    const password = await fs.stat(path.join(dataDir, "postgres.password"));
    expect(password.mode & 0o777).toBe(0o600);
    const { pid } = await postmaster(dataDir);
    expect(alive(pid)).toBe(true);

    await chat(first.url, "身份证丢了怎么办");
    await eventually(async () => ((await storedMessages(dataDir, "身份证丢了怎么办")) === 1 ? true : undefined));

    // A second hub on the same DATA_DIR: refused, and the first one's server untouched.
    const second = spawnHub(dataDir);
    expect(await second.exit).not.toBe(0);
    expect(second.output()).toMatch(/only one process may open it at a time/);
    expect(alive(pid)).toBe(true);
    await chat(first.url, "公积金怎么提取");

    // SIGTERM: the hub stops its postmaster (a fast shutdown) on the way out.
    expect(await stop(first)).toBe(0);
    expect(alive(pid)).toBe(false);
    await expect(fs.access(path.join(dataDir, "postgres.lock"))).rejects.toThrow();

    // Restarted: the same cluster, the messages still there; then kill -9 of the server
    // itself: bootstrap sends what is left of its process group SIGTERM, the postmaster included.
    const again = await startHub(dataDir);
    expect(again.output()).not.toMatch(/initdb/);
    expect(await storedMessages(dataDir, "身份证丢了怎么办")).toBe(1);
    const restarted = await postmaster(dataDir);
    process.kill(serverPidOf(again.child.pid!), "SIGKILL");
    expect(await again.exit).toBe(137);
    await eventually(async () => (alive(restarted.pid) ? undefined : true), 30_000);
  });

  it("a postmaster orphaned by a server killed outside bootstrap is stopped by the next start", async () => {
    const dataDir = await scratch();
    execFileSync(process.execPath, ["scripts/bootstrap.mjs", "--build"], { cwd: root, stdio: "ignore" });
    const orphaning = await startHub(dataDir, {}, true);
    const orphan = await postmaster(dataDir);
    process.kill(orphaning.child.pid!, "SIGKILL");
    await orphaning.exit;
    expect(alive(orphan.pid)).toBe(true); // nobody was left to stop it

    const next = await startHub(dataDir);
    expect(next.output()).toMatch(/left running in .* by an earlier run/);
    expect(alive(orphan.pid)).toBe(false);
    expect((await postmaster(dataDir)).pid).not.toBe(orphan.pid);
    await chat(next.url, "几点上班");
    expect(await stop(next)).toBe(0);
  });

  it("EMBEDDED_DATABASE=pglite keeps the in-process PGlite, and starts no PostgreSQL", async () => {
    const dataDir = await scratch();
    const hub = await startHub(dataDir, { EMBEDDED_DATABASE: "pglite" });
    expect(hub.output()).toMatch(/database\s+pglite \(.*\/pglite\)/);
    await chat(hub.url, "身份证丢了怎么办");
    await expect(fs.access(path.join(dataDir, "postgres"))).rejects.toThrow();
    expect(await stop(hub)).toBe(0);
  });
});

describe("the fallback to PGlite", { timeout: 300_000 }, () => {
  // As root, PostgreSQL runs as the user postgres, which cannot enter a 0700 directory of root's.
  it.runIf(process.getuid?.() === 0)(
    "when the server cannot run on a first start, says why and serves on PGlite",
    async () => {
      const dataDir = await scratch(false);
      const hub = await startHub(dataDir);
      expect(hub.output()).toMatch(/private PostgreSQL server cannot run here.*cannot write to/);
      expect(hub.output()).toMatch(/database\s+pglite/);
      await chat(hub.url, "身份证丢了怎么办");
      await expect(fs.access(path.join(dataDir, "postgres"))).rejects.toThrow(); // nothing half-made left
      expect(await stop(hub)).toBe(0);
    },
  );
});

describe("choosing the embedded database", () => {
  it("keeps PGlite while DATA_DIR/pglite holds data, even beside a cluster", async () => {
    const dataDir = await scratch();
    expect(await chooseEmbedded(dataDir, "postgres")).toEqual({ backend: "postgres", firstStart: true });
    await fs.mkdir(path.join(dataDir, "postgres"));
    await fs.writeFile(path.join(dataDir, "postgres", "PG_VERSION"), "17\n");
    expect(await chooseEmbedded(dataDir, "postgres")).toEqual({ backend: "postgres", firstStart: false });
    // A half-done move (or a fallback's data) must not switch the hub to a server without it.
    await fs.mkdir(path.join(dataDir, "pglite"));
    await fs.writeFile(path.join(dataDir, "pglite", "PG_VERSION"), "17\n");
    expect(await chooseEmbedded(dataDir, "postgres")).toMatchObject({
      backend: "pglite",
      reason: expect.stringMatching(/npm run db:move-from-pglite/),
    });
    expect(await chooseEmbedded(dataDir, "pglite")).toMatchObject({ backend: "pglite" });
  });
});
