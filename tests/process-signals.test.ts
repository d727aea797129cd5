// Issue 16, "operating it": every start path goes through scripts/bootstrap.mjs, which must
// stop what it started and exit with the command's status — when the command dies (even by
// kill -9), when it is sent SIGTERM, and when only its parent (npm, or npm's shell) is.
// Real processes: sh → bootstrap → a stand-in service (tests/fixtures/process/service.mjs)
// that starts a helper of its own, as the server starts its private redis-server.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { alive } from "./support/process-alive.ts";
import { eventually } from "./support/test-env.ts";

const root = path.resolve(import.meta.dirname, "..");
const SERVICE = path.join(root, "tests/fixtures/process/service.mjs");

interface Pids {
  bootstrap: number;
  service: number;
  helper: number;
}

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});

/** `sh -c "node scripts/bootstrap.mjs node service.mjs && true"`: npm's shell, which does not exec. */
async function start(): Promise<{ shell: ChildProcess; pids: Pids; exit: Promise<number | null> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "signals-"));
  const file = path.join(dir, "pids.json");
  const shell = spawn("sh", ["-c", `node scripts/bootstrap.mjs node ${SERVICE} ${file} && true`], {
    cwd: root,
    stdio: ["pipe", "ignore", "ignore"], // no terminal: the way systemd, Docker and CI run it
  });
  const exit = new Promise<number | null>((resolve) => shell.once("exit", (code) => resolve(code)));
  const pids = await eventually(async () => {
    const text = await fs.readFile(file, "utf8").catch(() => "");
    return text ? (JSON.parse(text) as Pids) : undefined;
  });
  started.push(pids.bootstrap, pids.service, pids.helper);
  return { shell, pids, exit };
}

const allGone = (pids: Pids) => eventually(async () => (Object.values(pids).some(alive) ? undefined : true));

describe("stopping the hub's processes", () => {
  it("SIGTERM to npm's shell alone: the orphaned bootstrap stops the service, which stops its helper", async () => {
    const { shell, pids } = await start();
    expect(Object.values(pids).every(alive)).toBe(true);
    shell.kill("SIGTERM");
    await allGone(pids);
  });

  it("SIGTERM to the bootstrap reaches the service, and the bootstrap exits with its status", async () => {
    const { pids, exit } = await start();
    process.kill(pids.bootstrap, "SIGTERM");
    await allGone(pids);
    expect(await exit).toBe(0); // the service's graceful exit, passed up through the shell
  });

  it("the service killed with kill -9: what it started is stopped, and the exit status says so", async () => {
    const { pids, exit } = await start();
    process.kill(pids.service, "SIGKILL");
    await allGone(pids);
    expect(await exit).toBe(137);
  });
});
