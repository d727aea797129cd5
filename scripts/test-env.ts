// Runs Vitest against a PostgreSQL and a Redis, whichever are available:
// TEST_DATABASE_URL / TEST_REDIS_URL if set, else the local default servers if they answer,
// else private throw-away servers under .tmp/ that are stopped afterwards.
// Usage: tsx scripts/test-env.ts [vitest args…]
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { startPrivatePostgres } from "../src/infra/private-postgres.ts";
import { startPrivateRedis, type PrivateService } from "../src/infra/private-redis.ts";
import { isTcpReachable } from "../src/infra/reachable.ts";
import { runInGroup, signalStatus, watchParent } from "./process-group.mjs";

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

// Interrupted while the services start (or orphaned: `npm test` killed): stop them and exit.
let interrupted: NodeJS.Signals | undefined;
const interrupt = (signal: NodeJS.Signals) => {
  interrupted = signal;
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, interrupt);
const stopWatching = watchParent(() => interrupt("SIGTERM"));

const started: PrivateService[] = [];
const stopAll = async () => {
  await Promise.allSettled(started.map((s) => s.stop()));
};

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
  process.exit(signalStatus(interrupted));
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
// Vitest runs in its own process group (scripts/process-group.mjs): a signal, or our parent
// dying, reaches its workers and the hubs they start; what it leaves is stopped with it.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, interrupt);
stopWatching();
const vitest = runInGroup(
  command,
  args,
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TEST_DATABASE_URL: database.value.url, TEST_REDIS_URL: redis.value.url },
  },
  interrupt,
);
const exitCode = await vitest.done.catch((err: Error) => {
  log(`error: could not run vitest: ${err.message}`);
  return 1;
});
await stopAll();
process.exit(interrupted ? signalStatus(interrupted) : exitCode);
