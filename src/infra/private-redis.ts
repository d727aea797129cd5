import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.ts";
import { ensureCommand, findOnPath, type Log } from "./system-package.ts";

export interface PrivateRedisOptions {
  dataDir: string;
  log?: Log;
  /** A fixed port (e.g. to restart a server where its clients expect it); default: any free port. */
  port?: number;
  /** How long to wait for the first PONG. */
  startTimeoutMs?: number;
}

export interface PrivateService {
  url: string;
  stop(): Promise<void>;
}

const DEFAULT_BINARY = "/usr/bin/redis-server";

class PortTakenError extends Error {}

/** Keeps the last lines of a child's output for error messages. */
class OutputTail {
  private lines: string[] = [];
  constructor(private readonly max = 30) {}
  push(chunk: Buffer): void {
    this.lines.push(
      ...chunk
        .toString("utf8")
        .split("\n")
        .filter((l) => l.trim() !== ""),
    );
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  toString(): string {
    return this.lines.length ? this.lines.join("\n") : "(no output)";
  }
}

/** One inline PING; true on +PONG (a -LOADING reply means not ready yet). */
function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolvePing(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      reply += data.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
    socket.once("error", () => done(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A redis-server left behind by a crashed run would still own the data dir: stop it. */
async function stopStaleServer(pidFile: string, log: Log): Promise<void> {
  let pid: number;
  let cmdline: string;
  try {
    pid = Number((await readFile(pidFile, "utf8")).trim());
    cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return; // no pid file, or the process is gone
  }
  if (!Number.isInteger(pid) || pid <= 0 || !cmdline.includes("redis-server")) return;
  log(`stopping stale redis-server (pid ${pid}) left over in ${pidFile}`);
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

async function launch(
  binary: string,
  dataDir: string,
  port: number,
  log: Log,
  startTimeoutMs: number,
): Promise<PrivateService> {
  const pidFile = join(dataDir, "redis.pid");
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dataDir,
      "--daemonize",
      "no",
      "--pidfile",
      pidFile,
      "--logfile",
      "", // log to stdout, which we keep a tail of
      "--appendonly",
      "yes",
      // AOF already persists every write; RDB snapshots would only add disk churn.
      "--save",
      "",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const tail = new OutputTail();
  child.stdout?.on("data", (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => tail.push(chunk));
  let spawnError: Error | undefined;
  child.once("error", (err) => (spawnError = err));

  // The server must not outlive us, but must not keep our event loop alive either.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.on("exit", killOnExit);
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      child.ref(); // keep the loop alive until the exit event arrives
      try {
        if (child.exitCode === null && child.signalCode === null) {
          // SIGTERM makes redis fsync the AOF and exit, like SHUTDOWN.
          child.kill("SIGTERM");
          const exited = waitForExit(child);
          const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
          if (timedOut) {
            log(`redis-server on port ${port} did not stop within 10 s; killing it`);
            child.kill("SIGKILL");
            await exited;
          }
        }
      } finally {
        process.off("exit", killOnExit);
      }
    })());

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`could not run ${binary}: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      const output = tail.toString();
      if (/address already in use/i.test(output)) throw new PortTakenError(output);
      throw new Error(
        `redis-server exited during startup (code ${child.exitCode ?? child.signalCode}); last output:\n${output}`,
      );
    }
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `redis-server did not answer PING on 127.0.0.1:${port} within ${startTimeoutMs} ms; last output:\n${tail}`,
      );
    }
    await sleep(50);
  }
  log(`private redis-server (pid ${child.pid}) listening on 127.0.0.1:${port}, data in ${dataDir}`);
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/**
 * Start a redis-server child bound to 127.0.0.1 on a free port, persisting (AOF) into dataDir.
 * Installs the Debian package redis-server first when missing and we are root.
 */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateService> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const binary = (await findOnPath("redis-server")) ?? DEFAULT_BINARY;
  // Installing a package is slow and rare enough to always be shown (stderr by default).
  await ensureCommand(binary, "redis-server", { log: options.log });
  await mkdir(dataDir, { recursive: true });
  await stopStaleServer(join(dataDir, "redis.pid"), log);

  if (options.port !== undefined) {
    return launch(binary, dataDir, options.port, log, options.startTimeoutMs ?? 10_000);
  }
  // freePort() releases the port before redis binds it; retry if someone took it meanwhile.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(binary, dataDir, port, log, options.startTimeoutMs ?? 10_000);
    } catch (err) {
      if (err instanceof PortTakenError && attempt < 3) continue;
      if (err instanceof PortTakenError) {
        throw new Error(`redis-server could not bind a free port after ${attempt} attempts:\n${err.message}`);
      }
      throw err;
    }
  }
}
