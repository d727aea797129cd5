import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";

export type Log = (line: string) => void;

export const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

// How to avoid installing a package at all: point the app at an existing service.
const AVOID_HINTS: Record<string, string> = {
  "redis-server": "set REDIS_URL (TEST_REDIS_URL for tests) to a running Redis",
  postgresql: "set DATABASE_URL (TEST_DATABASE_URL for tests) to a running PostgreSQL",
};

export interface EnsureCommandOptions {
  log?: Log;
  /** Overrides the uid check; meant for tests. */
  isRoot?: boolean;
  /** Replaces the default "how to avoid the install" hint in the error message. */
  avoidHint?: string;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The error text for a missing binary we are not allowed to install (pure, for tests). */
export function missingCommandMessage(
  binaryPath: string,
  debianPackage: string,
  avoidHint: string | undefined = AVOID_HINTS[debianPackage],
): string {
  const avoid = avoidHint ? `, or ${avoidHint}` : "";
  return (
    `${binaryPath} not found and not running as root, so it cannot be installed automatically. ` +
    `Install it with \`sudo apt-get install ${debianPackage}\`${avoid}.`
  );
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // apt's output goes to our stderr so it never mixes with a command's stdout.
    const child = spawn(command, args, {
      stdio: ["ignore", 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

let aptUpdated: Promise<void> | undefined;
// apt-get holds a global lock, so concurrent installs must queue: within this process
// through aptQueue, and behind other processes (another test run, unattended upgrades)
// by letting apt-get wait for the lock instead of failing at once.
const APT_LOCK_WAIT = ["-o", "DPkg::Lock::Timeout=600"];
let aptQueue: Promise<unknown> = Promise.resolve();

/** apt-get install one package (root only); runs `apt-get update` once per process first. */
export function installDebianPackage(debianPackage: string, log: Log = stderrLog): Promise<void> {
  const task = aptQueue.then(async () => {
    if (!(await isExecutable("/usr/bin/apt-get"))) {
      throw new Error(
        `cannot install ${debianPackage}: apt-get is not available on this system; install it with your package manager`,
      );
    }
    aptUpdated ??= (async () => {
      log("apt-get update…");
      const code = await run("apt-get", [...APT_LOCK_WAIT, "update"]);
      if (code !== 0) {
        aptUpdated = undefined; // let a later call retry
        throw new Error(`apt-get update failed (exit ${code}): are the Debian mirrors reachable?`);
      }
    })();
    await aptUpdated;
    log(`apt-get install ${debianPackage}…`);
    const code = await run("apt-get", [...APT_LOCK_WAIT, "install", "-y", "--no-install-recommends", debianPackage]);
    if (code !== 0) {
      throw new Error(`apt-get install ${debianPackage} failed (exit ${code})`);
    }
    log(`installed ${debianPackage}`);
  });
  aptQueue = task.catch(() => undefined);
  return task;
}

/**
 * Make sure binaryPath exists, installing debianPackage with apt-get when we are root.
 * Without root, throws an Error that says how to install it or how to do without it.
 */
export async function ensureCommand(
  binaryPath: string,
  debianPackage: string,
  options: EnsureCommandOptions = {},
): Promise<void> {
  if (await isExecutable(binaryPath)) return;
  const log = options.log ?? stderrLog;
  if (!(options.isRoot ?? isRoot())) {
    throw new Error(missingCommandMessage(binaryPath, debianPackage, options.avoidHint));
  }
  log(`${binaryPath} not found; installing Debian package ${debianPackage}`);
  await installDebianPackage(debianPackage, log);
  if (!(await isExecutable(binaryPath))) {
    throw new Error(`installed ${debianPackage} but ${binaryPath} is still missing`);
  }
}

/** Absolute path of `name` found on PATH, or undefined. */
export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = `${dir}/${name}`;
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Make sure a data file a Debian package ships is there (e.g. a font), installing the
 * package when we are root; without root, only says what is missing.
 */
export async function ensurePackageFile(
  filePath: string,
  debianPackage: string,
  log: Log = stderrLog,
): Promise<boolean> {
  if (await fileExists(filePath)) return true;
  if (!isRoot()) {
    log(`${filePath} is missing: install ${debianPackage} (apt-get install ${debianPackage})`);
    return false;
  }
  await installDebianPackage(debianPackage, log);
  return fileExists(filePath);
}

async function fileExists(filePath: string): Promise<boolean> {
  try {
    await access(filePath);
    return true;
  } catch {
    return false;
  }
}
