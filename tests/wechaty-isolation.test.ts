// Wechaty (and its puppets) load only in the community-group bot's process: importing the
// hub, the web app, the workers and every channel — with the channel on — must not load it.
// A child process whose module hooks refuse any import of Wechaty imports them; the same
// child importing the bot process's entry is refused, which shows the hooks work.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");

async function importUnderRefusal(modules: string[], env: Record<string, string> = {}) {
  const script = `for (const m of ${JSON.stringify(modules)}) await import(m); console.log("imported");`;
  return run(
    process.execPath,
    ["--import", "tsx", "--import", "./tests/support/refuse-wechaty.mjs", "--input-type=module", "-e", script],
    { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 },
  );
}

describe("Wechaty stays out of the hub", () => {
  it("is not loaded by the hub, the web app, the workers or the channel list", async () => {
    const { stdout } = await importUnderRefusal(
      [
        "./connectors/index.ts",
        "./src/hub.ts",
        "./src/build-app.ts",
        "./src/start-workers.ts",
        "./connectors/wechaty/wechaty-channel.ts",
      ].map((m) => path.join(root, m)),
    );
    expect(stdout).toContain("imported");
  }, 150_000);

  it("is refused when something does load it (the hooks work)", async () => {
    await expect(importUnderRefusal(["wechaty"])).rejects.toThrow(/wechaty loaded: "wechaty"/);
  }, 150_000);
});
