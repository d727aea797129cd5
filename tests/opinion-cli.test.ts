// `npm run opinion -- analyze|eval`, run as a user runs it: a separate process on files.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "opinion-cli-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function opinion(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/opinion.ts", ...args],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function writeJsonl(name: string, lines: unknown[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n`);
  return file;
}

describe("npm run opinion -- analyze", () => {
  it("prints one analysis per input line, in input order", async () => {
    // Many lines, so the output crosses the CLI's write buffer; each line says which one it is.
    const texts = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? `第${i}条：东湖区阳光小区停水了，气死了`
        : i % 3 === 1
          ? `第${i}条：谢谢你们，非常满意`
          : `第${i}条`,
    );
    const file = writeJsonl(
      "in.jsonl",
      texts.map((text, i) => ({ text, id: i })),
    );
    const { code, stdout, stderr } = await opinion("analyze", file);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(texts.length);
    lines.forEach((analysis, i) => {
      expect(Object.keys(analysis)).toEqual(["sentiment", "sentimentScore", "emotion", "keywords", "places"]);
      expect(analysis.sentiment).toBe(["negative", "positive", "neutral"][i % 3]);
    });
    expect(lines[0].places).toEqual([{ name: "阳光小区", code: "990102P011", level: "landmark" }]);
    expect(lines[0].emotion).toBe("愤怒");
  });

  it("answers a line without a string text with an error in its place, and exits 1", async () => {
    const file = writeJsonl("bad.jsonl", [{ text: "满意" }, "not json", "", { txt: "x" }, { text: "不满意" }]);
    const { code, stdout, stderr } = await opinion("analyze", file);
    expect(code).toBe(1);
    const lines = stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.sentiment ?? l.error)).toEqual([
      "positive",
      "第2行：不是带 text 文字字段的 JSON 对象",
      "第4行：不是带 text 文字字段的 JSON 对象",
      "negative",
    ]);
    expect(stderr).toContain("有 2 行不是带 text 文字字段的 JSON 对象");
  });

  it("explains its usage", async () => {
    const { code, stderr } = await opinion("summarize", "x.jsonl");
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "summarize"');
    expect(stderr).toContain("npm run opinion -- analyze <file.jsonl>");
    const both = await opinion("analyze", "x.jsonl", "--model", "some/dir", "--lexicon-only");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--model and --lexicon-only exclude each other");
  });
});

describe("npm run opinion -- eval", () => {
  it("reports sentiment, negative-vs-rest and emotion, mapping other label sets, with a JSON last line", async () => {
    const file = writeJsonl("labelled.jsonl", [
      { text: "非常满意，谢谢", sentiment: "positive", emotion: "happy" },
      { text: "气死了，没人管", sentiment: "negative", emotion: "angry" },
      { text: "好担心孩子", sentiment: "negative", emotion: "fear" },
      { text: "请问几点开门", sentiment: "neutral", emotion: "surprise" },
      { text: "心疼", sentiment: null, emotion: "悲伤" },
    ]);
    const { code, stdout } = await opinion("eval", file, "--json");
    expect(code).toBe(0);
    expect(stdout).toMatch(/== sentiment: accuracy [\d.]+%, macro-F1 [\d.]+ \(4 messages\)/);
    expect(stdout).toContain("== sentiment, negative vs rest");
    expect(stdout).toMatch(/== emotion: accuracy [\d.]+%, macro-F1 [\d.]+ \(5 messages\)/);
    const report = JSON.parse(stdout.trimEnd().split("\n").at(-1)!);
    expect(Object.keys(report)).toEqual(["sentiment", "negativeVsRest", "emotion", "messagesPerSecond"]);
    expect(Object.keys(report.negativeVsRest.perClass).sort()).toEqual(["negative", "rest"]);
    // surprise is mapped to 中性, fear to 焦虑/担忧.
    expect(report.emotion.confusion["中性"]).toBeDefined();
    expect(report.emotion.confusion["焦虑/担忧"]).toBeDefined();
    expect(report.emotion.confusion.surprise).toBeUndefined();
  });

  it("names the line of an unknown label", async () => {
    const file = writeJsonl("unknown.jsonl", [
      { text: "好", sentiment: "positive" },
      { text: "x", sentiment: "meh" },
    ]);
    const { code, stderr } = await opinion("eval", file);
    expect(code).toBe(1);
    expect(stderr).toContain('unknown.jsonl line 2: "sentiment" must be one of');
  });
});
