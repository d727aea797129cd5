import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";
import type { PrivateService } from "./private-redis.ts";
import {
  findOnPath,
  installDebianPackage,
  isExecutable,
  isRoot,
  missingCommandMessage,
  stderrLog,
  type Log,
} from "./system-package.ts";

export type { PrivateService };

export interface PrivatePostgresOptions {
  dir: string;
  log?: Log;
  /** Database created (if missing) and put into the returned URL. */
  database?: string;
}

interface RunResult {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((done) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      const output = `${stdout}${stderr}${err && typeof err.code !== "number" ? err.message : ""}`.trim();
      done({ code, output });
    });
  });
}

/** Newest /usr/lib/postgresql/<version>/bin holding initdb, else the directory of initdb on PATH. */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const base = "/usr/lib/postgresql";
  const versions = await readdir(base).catch(() => [] as string[]);
  versions.sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
  for (const version of versions) {
    const bin = join(base, version, "bin");
    if ((await isExecutable(join(bin, "initdb"))) && (await isExecutable(join(bin, "pg_ctl")))) return bin;
  }
  const initdb = await findOnPath("initdb");
  return initdb ? dirname(initdb) : undefined;
}

async function ensurePostgresBinDir(log: Log): Promise<string> {
  const found = await findPostgresBinDir();
  if (found) return found;
  if (!isRoot()) {
    throw new Error(missingCommandMessage("initdb (/usr/lib/postgresql/<version>/bin/initdb)", "postgresql"));
  }
  log("PostgreSQL server binaries not found; installing Debian package postgresql");
  await installDebianPackage("postgresql", log);
  const installed = await findPostgresBinDir();
  if (!installed) throw new Error("installed Debian package postgresql but initdb is still missing");
  return installed;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function tail(text: string, lines = 20): string {
  const kept = text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-lines);
  return kept.length ? kept.join("\n") : "(no output)";
}

/**
 * Start a throw-away PostgreSQL cluster (trust auth, user postgres) in `dir` on a free port of
 * 127.0.0.1, for tests on machines without a database. Reuses the cluster on later runs.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions): Promise<PrivateService> {
  const log = options.log ?? (() => {});
  const database = options.database ?? "test";
  // Installing a package is slow and rare enough to always be shown (stderr by default).
  const binDir = await ensurePostgresBinDir(options.log ?? stderrLog);
  const root = isRoot();

  // PostgreSQL refuses to run as root, so as root every server command runs as `postgres`.
  let pgUid = -1;
  let pgGid = -1;
  if (root) {
    const uid = await run("id", ["-u", "postgres"], "/");
    const gid = await run("id", ["-g", "postgres"], "/");
    if (uid.code !== 0 || gid.code !== 0) {
      throw new Error(
        "running as root but there is no `postgres` user to run PostgreSQL as: install Debian package postgresql (it creates the user) or set TEST_DATABASE_URL",
      );
    }
    pgUid = Number(uid.output);
    pgGid = Number(gid.output);
  }

  let dir = resolve(options.dir);
  const pgRun = (binary: string, args: string[]): Promise<RunResult> => {
    const path = join(binDir, binary);
    return root ? run("runuser", ["-u", "postgres", "--", path, ...args], dir) : run(path, args, dir);
  };
  const prepareDir = async (): Promise<boolean> => {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o700); // postgres rejects group/world-accessible data directories
    if (!root) return true;
    const chown = await run("chown", ["-R", `${pgUid}:${pgGid}`, dir], "/");
    if (chown.code !== 0) throw new Error(`chown of ${dir} to postgres failed: ${chown.output}`);
    // Every parent must be traversable by postgres, which is not the case under e.g. /root.
    return (await run("runuser", ["-u", "postgres", "--", "test", "-w", dir], "/")).code === 0;
  };
  if (!(await prepareDir())) {
    const fallback = join(tmpdir(), `private-pg-${createHash("sha1").update(dir).digest("hex").slice(0, 12)}`);
    log(`user postgres cannot access ${dir}; using ${fallback} instead`);
    dir = fallback;
    if (!(await prepareDir())) throw new Error(`user postgres cannot write to ${dir}`);
  }

  const versionOut = await pgRun("postgres", ["--version"]);
  const major = /(\d+)(?:\.\d+)?/.exec(versionOut.output.replace(/^[^)]*\)/, ""))?.[1];
  const existing = await readFile(join(dir, "PG_VERSION"), "utf8").then(
    (v) => v.trim(),
    () => undefined,
  );

  // A server left running by a crashed earlier run still owns the directory.
  if (existing !== undefined && (await pgRun("pg_ctl", ["status", "-D", dir])).code === 0) {
    log(`stopping a PostgreSQL left running in ${dir}`);
    await pgRun("pg_ctl", ["stop", "-D", dir, "-m", "fast", "-w"]);
  }
  if (existing !== undefined && major !== undefined && existing !== major) {
    log(`${dir} holds a PostgreSQL ${existing} cluster but the binaries are ${major}; recreating it`);
    await rm(dir, { recursive: true, force: true });
    await prepareDir();
  }
  if (existing === undefined || (major !== undefined && existing !== major)) {
    log(`initdb ${dir}`);
    const init = await pgRun("initdb", [
      "-D",
      dir,
      "--auth=trust",
      "-U",
      "postgres",
      "--encoding=UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${tail(init.output)}`);
  }

  const logFile = join(dir, "server.log");
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    // Socket paths are limited to ~107 bytes; without a usable one, TCP alone is enough.
    const socketDir = `${dir}/.s.PGSQL.${port}`.length < 100 ? dir : "";
    const serverOptions = [
      `-p ${port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${shellQuote(socketDir)}`,
      // Throw-away test data: durability is not worth the fsyncs.
      `-c fsync=off`,
      `-c synchronous_commit=off`,
      `-c full_page_writes=off`,
      `-c max_connections=200`,
    ].join(" ");
    log(`starting private PostgreSQL on 127.0.0.1:${port} (${dir})`);
    const start = await pgRun("pg_ctl", ["start", "-D", dir, "-l", logFile, "-w", "-t", "60", "-o", serverOptions]);
    if (start.code === 0) break;
    const serverLog = await readFile(logFile, "utf8").catch(() => "");
    const recent = tail(serverLog.split(`port ${port}`).pop() ?? serverLog);
    if (/could not bind|address already in use/i.test(recent) && attempt < 3) continue;
    // pg_ctl may have given up (timeout, interrupt) on a server that is still coming up.
    await pgRun("pg_ctl", ["stop", "-D", dir, "-m", "immediate", "-w"]);
    throw new Error(`pg_ctl start failed (exit ${start.code}): ${tail(start.output, 5)}\nserver log:\n${recent}`);
  }

  // The server is not our child: make sure it does not outlive this process.
  const postmasterPid = Number((await readFile(join(dir, "postmaster.pid"), "utf8")).split("\n")[0]);
  const killOnExit = () => {
    try {
      process.kill(postmasterPid, "SIGINT"); // SIGINT = fast shutdown
    } catch {
      // already gone
    }
  };
  process.on("exit", killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const result = await pgRun("pg_ctl", ["stop", "-D", dir, "-m", "fast", "-w"]);
      process.off("exit", killOnExit);
      if (result.code !== 0) throw new Error(`pg_ctl stop failed (exit ${result.code}): ${tail(result.output, 5)}`);
    })());

  try {
    const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
    await client.connect();
    try {
      const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop().catch(() => {});
    throw new Error(`private PostgreSQL started but is not usable: ${(err as Error).message}`);
  }
  log(`private PostgreSQL (pid ${postmasterPid}) listening on 127.0.0.1:${port}`);
  return { url: `postgresql://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`, stop };
}
