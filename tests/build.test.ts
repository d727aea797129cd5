// scripts/build.mjs: what `npm start` runs is JavaScript compiled from the sources,
// redone only where a source changed, with nothing left of deleted sources.
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error -- plain JavaScript without type declarations (it runs before node_modules exists)
import { build } from "../scripts/build.mjs";

const repo = path.resolve(import.meta.dirname, "..");

describe("the build behind npm start", () => {
  let root: string;
  const write = async (file: string, text: string) => {
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), text);
  };

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "hub-build-"));
    await fs.copyFile(path.join(repo, "package.json"), path.join(root, "package.json"));
    await fs.copyFile(path.join(repo, "tsconfig.json"), path.join(root, "tsconfig.json"));
    await fs.symlink(path.join(repo, "node_modules"), path.join(root, "node_modules"));
    await write("intents/greeting.txt", "你好");
    await write("src/greet.ts", "export const greet = (name: string): string => `${name}，您好`;\n");
    await write(
      "src/main.ts",
      [
        'import fs from "node:fs";',
        'import { greet } from "./greet.ts";',
        "class Box { constructor(private readonly value: string) {} get(): string { return this.value; } }",
        'const data = fs.readFileSync(new URL("../intents/greeting.txt", import.meta.url), "utf8");',
        'console.log(new Box(greet(data)).get(), fs.readFileSync(new URL("../connectors/page.html", import.meta.url), "utf8"));',
      ].join("\n"),
    );
    await write("connectors/page.html", "<p>ok</p>");
  });

  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const run = () =>
    execFileSync(process.execPath, [path.join(root, ".build/src/main.js")], { encoding: "utf8" }).trim();

  it("compiles to runnable JavaScript whose relative paths still reach the data folders", () => {
    expect(build(root).written).toBe(3); // two modules and one page
    expect(run()).toBe("你好，您好 <p>ok</p>");
  });

  it("redoes only the files whose source changed, and drops outputs of deleted sources", async () => {
    build(root);
    expect(build(root)).toEqual({ written: 0, removed: 0 });
    // The output predates the edit (file times can be coarse: make it plainly older).
    const earlier = new Date(Date.now() - 10_000);
    await fs.utimes(path.join(root, ".build/src/greet.js"), earlier, earlier);
    await write("src/greet.ts", "export const greet = (name: string): string => `${name}，欢迎`;\n");
    expect(build(root)).toEqual({ written: 1, removed: 0 });
    expect(run()).toBe("你好，欢迎 <p>ok</p>");
    await write("src/unused.ts", "export const unused = 1;\n");
    build(root);
    await fs.rm(path.join(root, "src/unused.ts"));
    expect(build(root)).toEqual({ written: 0, removed: 1 });
    await expect(fs.stat(path.join(root, ".build/src/unused.js"))).rejects.toThrow();
  });

  it("names the file that does not compile", async () => {
    await write("src/broken.ts", "export const x = ;\n");
    expect(() => build(root)).toThrow(/src\/broken\.ts: Expression expected/);
  });
});
