// Issue 11, finding 6: a second process on the embedded database lost data. The embedded
// PGlite is now locked to one process: another process (the staff and audit CLIs here) is
// refused with a message naming the data directory, the holder's pid and what to do, and
// nothing is written; once the holder closes, the CLIs work and see everything it wrote.
// Also: a CLI's raw database error becomes one clear line.
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createStaffAccount } from "../../src/staff/accounts.ts";

const root = path.resolve(import.meta.dirname, "../..");
// Hub starts on an embedded database and child processes are slow on a shared machine.
const SLOW = 120_000;
const PASSWORD = "correct horse battery";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function cli(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "silent", DATABASE_URL: "", ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { status: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("the embedded database is locked to one process", { timeout: SLOW }, () => {
  let dataDir: string;
  let pgliteDir: string;
  let db: Database | undefined;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-embedded-lock-"));
    pgliteDir = path.join(dataDir, "pglite");
    // The "hub": this test process holds the embedded database open.
    db = await openDatabase({ backend: "pglite", dataDir: pgliteDir });
    await migrate(db.sql);
    await createStaffAccount(
      db.prisma,
      { username: "first", password: PASSWORD, displayName: "一号", role: "admin" },
      new Set(),
    );
  }, SLOW);
  afterAll(async () => {
    await db?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("refuses `staff list`, `staff create` and `audit:verify` from another process, saying what to do", async () => {
    const env = { DATA_DIR: dataDir };
    const runs = await Promise.all([
      cli("src/staff/staff-cli.ts", ["list"], env),
      cli("src/staff/staff-cli.ts", ["create", "--username", "second", "--role", "admin"], {
        ...env,
        STAFF_PASSWORD: PASSWORD,
      }),
      cli("src/cases/audit-cli.ts", [], env),
    ]);
    for (const run of runs) {
      expect(run.status, run.stdout + run.stderr).not.toBe(0);
      expect(run.stdout).not.toContain("created");
      expect(run.stderr).toContain("嵌入式数据库");
      expect(run.stderr).toContain("only one process may open it");
      expect(run.stderr).toContain(pgliteDir);
      expect(run.stderr).toContain(`pid ${process.pid}`);
      expect(run.stderr).toContain("BOOTSTRAP_ADMIN_USER");
      expect(run.stderr).toContain("DATABASE_URL");
      expect(run.stderr).not.toMatch(/Aborted\(\)|\n\s+at /); // no raw crash, no stack
    }
    // The holder is unharmed.
    const usernames = (await db!.prisma.staffAccount.findMany()).map((a) => a.username);
    expect(usernames).toEqual(["first"]);
  });

  it("refuses a second open in the same process too", async () => {
    await expect(openDatabase({ backend: "pglite", dataDir: pgliteDir })).rejects.toThrow(/only one process/);
    expect(await db!.prisma.staffAccount.count()).toBe(1);
  });

  it("lets the CLIs in once the holder has closed, with everything it wrote", async () => {
    await createStaffAccount(
      db!.prisma,
      { username: "written-before-close", password: PASSWORD, displayName: "二号", role: "supervisor" },
      new Set(),
    );
    await db!.close();
    db = undefined;
    await expect(fs.stat(`${pgliteDir}.lock`)).rejects.toThrow(/ENOENT/);
    const list = await cli("src/staff/staff-cli.ts", ["list"], { DATA_DIR: dataDir });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain("first\tadmin");
    expect(list.stdout).toContain("written-before-close\tsupervisor");
    const verify = await cli("src/cases/audit-cli.ts", [], { DATA_DIR: dataDir });
    expect(verify.status, verify.stderr).toBe(0);
  });

  it("takes over a lock left by a process that died", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    await fs.writeFile(`${pgliteDir}.lock`, JSON.stringify({ pid: dead }));
    db = await openDatabase({ backend: "pglite", dataDir: pgliteDir });
    expect(JSON.parse(await fs.readFile(`${pgliteDir}.lock`, "utf8")).pid).toBe(process.pid);
    expect(await db.prisma.staffAccount.count()).toBe(2);
    await db.close();
    // A container restarts with the same small pid: a leftover lock naming our own pid is stale too.
    await fs.writeFile(`${pgliteDir}.lock`, JSON.stringify({ pid: process.pid }));
    db = await openDatabase({ backend: "pglite", dataDir: pgliteDir });
    expect(await db.prisma.staffAccount.count()).toBe(2);
  });
});

describe("a CLI's raw database error", { timeout: SLOW }, () => {
  it("is one clear line that says what to check", async () => {
    const run = await cli("src/staff/staff-cli.ts", ["list"], {
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none",
    });
    expect(run.status).not.toBe(0);
    const lines = run.stderr.trim().split("\n");
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toContain("staff command failed");
    expect(lines[0]).toContain("DATABASE_URL");
  });
});
