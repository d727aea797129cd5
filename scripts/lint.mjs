#!/usr/bin/env node
// `npm run lint`: Biome (formatting and lint rules, biome.json), then dependency-cruiser (the
// import boundaries that the folders' README.md headers declare, .dependency-cruiser.cjs).
// Both always run, so one report shows every problem; the exit code is non-zero if either
// found one. Warnings fail too, so they cannot pile up. See docs/lint.md.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

const checks = [
  ["biome", [bin("biome"), "check", "--error-on-warnings", "."]],
  [
    "dependency-cruiser",
    [bin("depcruise"), "src", "connectors", "--config", ".dependency-cruiser.cjs", "--output-type", "err"],
  ],
];

function run([name, [command, ...args]]) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, stdio: "inherit" });
    child.once("error", (error) => {
      process.stderr.write(`[lint] ${name} could not start (${error.message}): run \`npm run setup\` first\n`);
      resolve(false);
    });
    child.once("close", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stderr.write(`[lint] ${name}: ${code === 0 ? "ok" : "failed"} (${seconds} s)\n`);
      resolve(code === 0);
    });
  });
}

let ok = true;
for (const check of checks) ok = (await run(check)) && ok;
if (!ok) process.stderr.write("[lint] failed: `npm run format` fixes formatting; docs/lint.md explains the rules\n");
process.exit(ok ? 0 : 1);
