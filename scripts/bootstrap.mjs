#!/usr/bin/env node
// Prepares a checkout, then runs a command: `node scripts/bootstrap.mjs [--build] <command> [args…]`.
//  1. installs node_modules when missing or older than package-lock.json;
//  2. generates the Prisma client when missing or older than prisma/schema.prisma;
//  3. with --build, compiles src/ and connectors/ to JavaScript in .build/ where sources
//     are newer (scripts/build.mjs), for commands that run `node` on the output;
//  4. runs the command (node_modules/.bin on PATH) and exits with its code; nothing it
//     starts outlives it, and it does not outlive us (scripts/process-group.mjs).
// Plain Node with no dependencies: it runs before node_modules exists.
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runInGroup } from "./process-group.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const say = (line) => process.stderr.write(`[bootstrap] ${line}\n`);
const fail = (line) => {
  say(`error: ${line}`);
  process.exit(1);
};
const mtime = (path) => statSync(join(root, path), { throwIfNoEntry: false })?.mtimeMs;

/**
 * Runs a setup step with its output copied to our stderr (a command's stdout stays clean)
 * and kept, so failures can be explained. Resolves to { status, output }.
 */
function step(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env });
    let output = "";
    const keep = (chunk) => {
      process.stderr.write(chunk);
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", (err) => resolve({ status: -1, output: err.message }));
    child.once("close", (code, signal) => resolve({ status: code ?? `signal ${signal}`, output }));
  });
}

async function mustStep(command, args, env, hint) {
  const { status, output } = await step(command, args, env);
  const shown = [command, ...args].join(" ");
  if (status === -1) fail(`${shown} could not start (${output}): is ${command} on PATH?`);
  if (status !== 0) fail(`${shown} failed (${typeof status === "number" ? `exit ${status}` : status}): ${hint}`);
}

// 1. Dependencies. npm writes node_modules/.package-lock.json after package-lock.json on
// every install, so a newer package-lock.json means it changed since the last install.
const hasLock = mtime("package-lock.json") !== undefined;
let installReason;
if (!existsSync(join(root, "node_modules"))) installReason = "node_modules is missing";
else if (mtime("node_modules/.package-lock.json") === undefined)
  installReason = "node_modules/.package-lock.json is missing";
else if (hasLock && mtime("package-lock.json") > mtime("node_modules/.package-lock.json")) {
  installReason = "package-lock.json is newer than node_modules";
}
if (installReason) {
  const flags = ["--no-audit", "--no-fund"];
  const registryHint = "is the npm registry reachable?";
  if (hasLock) {
    say(`${installReason}: running npm ci`);
    const ci = await step("npm", ["ci", ...flags], process.env);
    if (ci.status === -1) fail(`npm could not start (${ci.output}): is npm on PATH?`);
    if (ci.status !== 0) {
      // npm 11 refuses lockfiles that lack other platforms' optional packages (which the registry
      // may not even offer); `npm install` accepts them and installs the same tree.
      if (!/in sync/i.test(ci.output)) fail(`npm ci failed (exit ${ci.status}): ${registryHint}`);
      say("npm ci says package-lock.json is out of sync with package.json: falling back to npm install");
      await mustStep("npm", ["install", ...flags], process.env, registryHint);
    }
  } else {
    say(`${installReason}: running npm install (no package-lock.json)`);
    await mustStep("npm", ["install", ...flags], process.env, registryHint);
  }
}

// 2. Prisma client. The schema engine cannot be downloaded here and `generate` does not use
// it, so any existing file satisfies Prisma's check.
const generated = mtime("src/generated/prisma/client.ts");
let generateReason;
if (generated === undefined) generateReason = "src/generated/prisma/client.ts is missing";
else if (generated < (mtime("prisma/schema.prisma") ?? 0)) generateReason = "prisma/schema.prisma changed";
else if (installReason) generateReason = "dependencies were reinstalled";
if (generateReason) {
  say(`${generateReason}: running npx prisma generate`);
  await mustStep(
    "npx",
    ["prisma", "generate"],
    { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath },
    "see the Prisma output above (is prisma/schema.prisma valid?)",
  );
}

// 3. Compiled JavaScript, for `npm start` and `npm run worker` (loaded only now: it needs
// the TypeScript compiler from node_modules).
let argv = process.argv.slice(2);
if (argv[0] === "--build") {
  argv = argv.slice(1);
  const { build, OUT_DIR } = await import("./build.mjs");
  try {
    const { written, removed } = build(root);
    if (written + removed > 0)
      say(`compiled ${written} changed file(s) to ${OUT_DIR}/${removed ? `, removed ${removed} stale one(s)` : ""}`);
  } catch (error) {
    fail(`compiling to .build/ failed: ${error.message}`);
  }
}

// 4. The command.
const [command, ...args] = argv;
if (!command) process.exit(0); // setup only

const { done } = runInGroup(command, args, {
  stdio: "inherit",
  env: {
    // glibc's malloc gives each thread that allocates its own arena of up to 64 MB, kept
    // once touched; node's few helper threads need none, and the server stays ~40 MB
    // smaller with one (see docs/benchmarks.md). Ignored elsewhere; the caller's setting wins.
    MALLOC_ARENA_MAX: "1",
    ...process.env,
    PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  },
});
done.then(
  (status) => process.exit(status),
  (err) => fail(err.code === "ENOENT" ? `command not found: ${command}` : `could not start ${command}: ${err.message}`),
);
