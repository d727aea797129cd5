// Issue 11, "the first admin account": BOOTSTRAP_ADMIN_USER / BOOTSTRAP_ADMIN_PASSWORD create
// the first admin at start when none exists (hashed, the account rules applied, logged
// without the password), and do nothing once an admin exists. Both or neither.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.ts";
import { createHub } from "../../src/hub.ts";
import { createLogger } from "../../src/logger.ts";
import { verifyPassword } from "../../src/staff/passwords.ts";
import { TEST_REDIS_URL, testConfig } from "../support/test-env.ts";

// Hub starts on an embedded database and child processes are slow on a shared machine.
const SLOW = 120_000;
const PASSWORD = "Bootstrap-Secret-4711";

function capturingLogger() {
  const lines: string[] = [];
  return { lines, log: createLogger("debug", { write: (line: string) => void lines.push(line) }) };
}

async function startHub(dataDir: string | undefined, env: Record<string, string>, log = capturingLogger().log) {
  return createHub({
    config: testConfig(env),
    redisUrl: TEST_REDIS_URL,
    log,
    database: { backend: "pglite", dataDir },
  });
}

describe("BOOTSTRAP_ADMIN_USER and BOOTSTRAP_ADMIN_PASSWORD", { timeout: SLOW }, () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-bootstrap-admin-"));
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("go together: one without the other is a ConfigError naming the missing one, never echoing the password", () => {
    let error: unknown;
    try {
      testConfig({ BOOTSTRAP_ADMIN_PASSWORD: PASSWORD });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("BOOTSTRAP_ADMIN_USER");
    expect((error as Error).message).not.toContain(PASSWORD);
    expect(() => testConfig({ BOOTSTRAP_ADMIN_USER: "root" })).toThrow(/BOOTSTRAP_ADMIN_PASSWORD: must be set too/);
    expect(testConfig({}).bootstrapAdmin).toBeUndefined();
  });

  it("creates the first admin at start and logs it without the password", async () => {
    const { lines, log } = capturingLogger();
    const hub = await startHub(
      path.join(dataDir, "pglite"),
      {
        BOOTSTRAP_ADMIN_USER: "root",
        BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      },
      log,
    );
    try {
      const account = await hub.db.prisma.staffAccount.findUniqueOrThrow({ where: { username: "root" } });
      expect(account).toMatchObject({ role: "admin", active: true, departmentCode: null });
      expect(account.passwordHash).not.toContain(PASSWORD);
      expect(await verifyPassword(account.passwordHash, PASSWORD)).toBe(true);
      const audit = await hub.db.prisma.staffAudit.findFirstOrThrow({ where: { action: "create_account" } });
      expect(audit).toMatchObject({ username: "system:bootstrap", target: "root" });
    } finally {
      await hub.close();
    }
    const logged = lines.join("");
    expect(logged).toContain("created the first admin account");
    expect(logged).toContain('"username":"root"');
    expect(logged).not.toContain(PASSWORD);
  });

  it("does nothing once an admin exists", async () => {
    const { lines, log } = capturingLogger();
    const hub = await startHub(
      path.join(dataDir, "pglite"),
      {
        BOOTSTRAP_ADMIN_USER: "another",
        BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      },
      log,
    );
    try {
      const admins = await hub.db.prisma.staffAccount.findMany({ where: { role: "admin" } });
      expect(admins.map((a) => a.username)).toEqual(["root"]);
    } finally {
      await hub.close();
    }
    const logged = lines.join("");
    expect(logged).toContain("an admin account exists");
    expect(logged).not.toContain("created the first admin account");
    expect(logged).not.toContain(PASSWORD);
  });

  it("applies the account rules: a weak password stops the start, naming the variable and not the value", async () => {
    const weak = "short1";
    const { lines, log } = capturingLogger();
    const start = startHub(undefined, { BOOTSTRAP_ADMIN_USER: "root", BOOTSTRAP_ADMIN_PASSWORD: weak }, log);
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/BOOTSTRAP_ADMIN_PASSWORD: password must have at least 10 characters/);
    await expect(start).rejects.not.toThrow(weak);
    expect(lines.join("")).not.toContain(weak);
  });
});
