// Runs Vitest against a PostgreSQL and a Redis, whichever are available:
// TEST_DATABASE_URL / TEST_REDIS_URL if set, else the local default servers if they answer,
// else private throw-away servers under .tmp/ that are stopped afterwards.
// Usage: tsx scripts/test-env.ts [vitest args…]
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import { startPrivatePostgres } from "../src/infra/private-postgres.ts";
import { startPrivateRedis, type PrivateService } from "../src/infra/private-redis.ts";
import { isTcpReachable } from "../src/infra/reachable.ts";

const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[test-env] ${line}\n`);

const LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test";
const LOCAL_REDIS_URL = "redis://127.0.0.1:6379";

interface Choice {
  url: string;
  source: string;
  service?: PrivateService;
}

async function choose(
  envVar: string,
  localUrl: string,
  startPrivate: () => Promise<PrivateService>,
  privateDir: string,
): Promise<Choice> {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!(await isTcpReachable(fromEnv))) log(`warning: ${envVar} (${fromEnv}) does not accept connections`);
    return { url: fromEnv, source: `from ${envVar}` };
  }
  if (await isTcpReachable(localUrl)) return { url: localUrl, source: "local server" };
  const service = await startPrivate();
  return { url: service.url, source: `private, ${privateDir}`, service };
}

let interrupted: NodeJS.Signals | undefined;
let child: ChildProcess | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupted = signal;
    // Vitest then exits and the normal path below stops the private services.
    child?.kill(signal);
  });
}

const started: PrivateService[] = [];
const stopAll = async () => {
  await Promise.allSettled(started.map((s) => s.stop()));
};
const signalExitCode = (signal: NodeJS.Signals) => 128 + constants.signals[signal];

const [database, redis] = await Promise.allSettled([
  choose(
    "TEST_DATABASE_URL",
    LOCAL_DATABASE_URL,
    () => startPrivatePostgres({ dir: join(root, ".tmp/test-pg"), log }),
    ".tmp/test-pg",
  ),
  choose(
    "TEST_REDIS_URL",
    LOCAL_REDIS_URL,
    () => startPrivateRedis({ dataDir: join(root, ".tmp/test-redis"), log }),
    ".tmp/test-redis",
  ),
]);
for (const result of [database, redis]) {
  if (result.status === "fulfilled" && result.value.service) started.push(result.value.service);
}
if (interrupted) {
  await stopAll();
  process.exit(signalExitCode(interrupted));
}
if (database.status === "rejected" || redis.status === "rejected") {
  for (const result of [database, redis]) {
    if (result.status === "rejected") log(`error: ${(result.reason as Error).message ?? result.reason}`);
  }
  await stopAll();
  process.exit(1);
}

log(
  `TEST_DATABASE_URL=${database.value.url} (${database.value.source}); ` +
    `TEST_REDIS_URL=${redis.value.url} (${redis.value.source})`,
);

// Run Vitest directly with node when installed (one process less than npx).
const vitestEntry = join(root, "node_modules/vitest/vitest.mjs");
const [command, args] = existsSync(vitestEntry)
  ? [process.execPath, [vitestEntry, "run", ...process.argv.slice(2)]]
  : ["npx", ["vitest", "run", ...process.argv.slice(2)]];
const vitest = spawn(command, args, {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: database.value.url, TEST_REDIS_URL: redis.value.url },
});
child = vitest;

const exitCode = await new Promise<number>((done) => {
  vitest.once("error", (err) => {
    log(`error: could not run vitest: ${err.message}`);
    done(1);
  });
  vitest.once("exit", (code, signal) => done(code ?? (signal ? signalExitCode(signal) : 1)));
});
await stopAll();
process.exit(interrupted ? signalExitCode(interrupted) : exitCode);
