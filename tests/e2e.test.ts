// The newcomer's path, end to end: `npm start`'s command with no DATABASE_URL and
// no REDIS_URL (private PostgreSQL server and redis-server under DATA_DIR), driven over real HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npmScriptCommand } from "../scripts/npm-script.ts";
import { eventually } from "./support/test-env.ts";
import type { ChatResponse } from "../connectors/webchat/chat-schema.ts";

const root = path.resolve(import.meta.dirname, "..");

describe("the hub, started as npm start starts it", () => {
  let server: ChildProcess;
  let baseUrl: string;
  let dataDir: string;
  let output = "";

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-e2e-"));
    // As ./data is: as root, the private PostgreSQL runs as postgres, which must enter it (mkdtemp makes 0700).
    await fs.chmod(dataDir, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "warn" };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    // package.json's own start command (bootstrap, compile to .build/, node on the output), without npm in between.
    const { program, args } = npmScriptCommand("start");
    server = spawn(program, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    baseUrl = await eventually(async () => /web chat\s+(http:\/\/\S+?)\/\s/.exec(output)?.[1], 60_000);
  }, 90_000);

  afterAll(async () => {
    if (server.exitCode === null) {
      // SIGTERM first: bootstrap passes it on, so the hub and its private Redis stop too.
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  // One citizen: the session token the hub issued goes back in the X-Chat-Session header.
  let session: string | undefined;
  const chat = async (text: string): Promise<ChatResponse> => {
    const res = await fetch(`${baseUrl}/api/chat/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(session && { "x-chat-session": session }) },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(200);
    session = res.headers.get("x-chat-session") ?? undefined;
    return (await res.json()) as ChatResponse;
  };

  it("is ready, with its private PostgreSQL and its own Redis", async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: { database: { detail: string } } }).checks.database.detail).toBe(
      "postgresql",
    );
    // The compiled build trained the catalog's models in its worker thread, without falling back.
    expect(output).not.toMatch(/worker thread/);
  });

  it("answers a service question from the catalog", async () => {
    const body = await chat("身份证丢了怎么办");
    expect(body.understanding.serviceItem?.name).toBe("居民身份证补领");
    expect(body.replies[0]?.text).toContain("所需材料");
  });

  it("files a complaint and a worker assigns it to a department", async () => {
    const body = await chat("阳光小区门口路灯坏了一个月没人修");
    expect(body.understanding.kind).toBe("complaint");
    const ticket = await eventually(async () => {
      const res = await fetch(`${baseUrl}/api/tickets/${body.ticket?.number}`);
      const json = (await res.json()) as { status: string; department: { name: string }; events: { type: string }[] };
      return json.status === "assigned" ? json : undefined;
    }, 20_000);
    expect(ticket.department.name).toBeTruthy();
    expect(ticket.events.map((e: { type: string }) => e.type)).toEqual(["created", "assigned"]);
  });

  it("shuts down cleanly on SIGTERM, even when the signal comes twice, and stops its private Redis", async () => {
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    // Twice, as Ctrl+C does: the terminal signals the whole process group, and bootstrap forwards it again.
    server.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    // The private redis-server kept its data on disk (append-only) and is gone.
    const files = await fs.readdir(path.join(dataDir, "redis"), { recursive: true });
    expect(files.some((f) => String(f).includes("appendonly"))).toBe(true);
    expect(output).not.toMatch(/start-up failed/);
  });
});
