// The embedded PGlite is one WebAssembly PostgreSQL inside one process: a second process
// opening the same files sees a stale copy, and what both write is lost or corrupted. So
// the process that opens it holds a lock file beside it (created exclusively, holding its
// pid), removed on close. A lock whose process is gone is taken over, as PostgreSQL does
// with postmaster.pid; a live one makes every other opener stop with a plain message.
import fs from "node:fs/promises";
import { unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isAlive } from "../infra/process-alive.ts";

export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly pid: number | undefined,
  ) {
    super(lockedMessage(dataDir, lockFile, pid));
  }
}

export interface EmbeddedLock {
  readonly file: string;
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  host?: string;
  since?: string;
}

/** Lock files this process holds, removed if it exits without closing its database. */
const held = new Set<string>();
let exitHookInstalled = false;

/** DATA_DIR/pglite → DATA_DIR/pglite.lock (beside the files, not among PostgreSQL's own). */
export function lockFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

/** Takes the lock on an embedded database directory, or throws DatabaseLockedError. */
export async function acquireEmbeddedLock(dataDir: string): Promise<EmbeddedLock> {
  const file = lockFileOf(dataDir);
  const content = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      await fs.writeFile(file, `${content}\n`, { flag: "wx", mode: 0o600 });
      held.add(file);
      installExitHook();
      return {
        file,
        async release() {
          if (!held.delete(file)) return;
          await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const raw = await fs.readFile(file, "utf8").catch(() => undefined);
    if (raw === undefined) continue; // removed meanwhile: try again
    const owner = parse(raw);
    if (owner && isHeld(file, owner.pid)) throw new DatabaseLockedError(dataDir, file, owner.pid);
    if (!owner && (await isFresh(file))) {
      // Just created, its pid not written yet: wait for the writer rather than take it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    await takeOverStale(file, raw);
  }
  throw new DatabaseLockedError(dataDir, file, undefined);
}

function isHeld(file: string, pid: number): boolean {
  // Our own pid: held only if this process really has it open (a container restarts with the
  // same small pid, and a lock left by the previous run must not block it).
  if (pid === process.pid) return held.has(file);
  return isAlive(pid);
}

async function isFresh(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs < 2_000;
}

function parse(raw: string): LockContent | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockContent>;
    return Number.isInteger(value.pid) && (value.pid as number) > 0 ? (value as LockContent) : undefined;
  } catch {
    return undefined; // half-written or damaged: its writer died mid-write, so it is stale
  }
}

/**
 * Removes a stale lock so the next exclusive create can succeed. It is moved aside first and
 * compared: if another process replaced it meanwhile with a live lock, that one is put back.
 */
async function takeOverStale(file: string, staleRaw: string): Promise<void> {
  const aside = `${file}.${process.pid}.stale`;
  try {
    await fs.rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = await fs.readFile(aside, "utf8").catch(() => staleRaw);
  if (moved !== staleRaw) await fs.link(aside, file).catch(() => undefined);
  await fs.rm(aside, { force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const file of held) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  });
}

function lockedMessage(dataDir: string, lockFile: string, pid: number | undefined): string {
  const who =
    pid === process.pid
      ? `this process (pid ${pid})`
      : pid !== undefined
        ? `another process (pid ${pid})`
        : "another process";
  const whoZh = pid === process.pid ? "本进程" : "另一个进程";
  const pidZh = pid !== undefined ? `（进程号 ${pid}）` : "";
  return [
    `嵌入式数据库 ${dataDir} 正由${whoZh}${pidZh}使用，同一时间只能由一个进程打开。`,
    `The embedded database ${dataDir} is in use by ${who}; only one process may open it at a time.`,
    "请任选其一 / What to do, one of:",
    "  - 先停止正在运行的服务（npm start），再运行此命令 / stop the running hub first, then run this command again;",
    "  - 首位管理员：启动服务时设置 BOOTSTRAP_ADMIN_USER 和 BOOTSTRAP_ADMIN_PASSWORD / for the first admin, start the hub with BOOTSTRAP_ADMIN_USER and BOOTSTRAP_ADMIN_PASSWORD set;",
    "  - 设置 DATABASE_URL 改用 PostgreSQL 服务器，多个进程即可共用 / set DATABASE_URL to a PostgreSQL server, which several processes can share.",
    `如确认没有服务在运行，可删除锁文件 / If you are sure no hub is running, delete the lock file: ${lockFile}`,
  ].join("\n");
}
