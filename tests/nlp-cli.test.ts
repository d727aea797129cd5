// `npm run nlp -- train|eval`, run as a user runs it: a separate process on files.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nlp-cli-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function nlp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/nlp.ts", ...args],
      { cwd: root },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const LINES = [
  ...["公交车", "地铁", "红绿灯", "出租车"].flatMap((t) => [
    { text: `请问${t}怎么收费`, type: "咨询", domain: "交通", emotion: "中性" },
    { text: `${t}司机态度太差，我要投诉！`, type: "投诉/求助", domain: "交通", emotion: "愤怒" },
    { text: `建议${t}增加一些班次`, type: "建言", domain: "交通", emotion: "中性" },
  ]),
  ...["学校", "幼儿园", "老师", "校车"].flatMap((t) => [
    { text: `请问${t}怎么报名`, type: "咨询", domain: "教育", emotion: "中性" },
    { text: `${t}乱收费，我要投诉！`, type: "投诉/求助", domain: "教育", emotion: "愤怒" },
    { text: `建议${t}多开展一些活动`, type: "建言", domain: "教育", emotion: null },
  ]),
];

describe("npm run nlp", () => {
  const data = path.join(tmp, "labeled.jsonl");
  const model = path.join(tmp, "model");
  beforeAll(() => fs.writeFileSync(data, `${LINES.map((l) => JSON.stringify(l)).join("\n")}\n`));

  it("trains a model into a directory, then evaluates it with a JSON last line of the documented shape", async () => {
    const train = await nlp("train", data, "--model", model);
    expect(train.stderr).toBe("");
    expect(train.code).toBe(0);
    expect(train.stdout).toContain(`trained on ${LINES.length} messages`);
    expect(fs.existsSync(path.join(model, "model.json"))).toBe(true);

    const evaluation = await nlp("eval", data, "--model", model, "--json");
    expect(evaluation.code).toBe(0);
    expect(evaluation.stdout).toMatch(/== message type: accuracy [\d.]+%, macro-F1 [\d.]+/);
    expect(evaluation.stdout).toContain("confusion (rows: true, columns: predicted)");
    const last = evaluation.stdout.trimEnd().split("\n").at(-1)!;
    const report = JSON.parse(last);
    expect(Object.keys(report)).toEqual(["type", "domain", "emotion"]);
    for (const task of ["type", "domain", "emotion"]) {
      expect(Object.keys(report[task])).toEqual(["accuracy", "macroF1", "perClass", "confusion"]);
      expect(typeof report[task].accuracy).toBe("number");
      for (const metrics of Object.values(report[task].perClass)) {
        expect(Object.keys(metrics as object)).toEqual(["precision", "recall", "f1"]);
      }
    }
    // The training set is learned; the null emotion labels are skipped.
    expect(report.type.accuracy).toBe(1);
    expect(report.type.confusion["投诉/求助"]).toEqual({ "投诉/求助": 8 });
    const emotionCount = Object.values(report.emotion.confusion as Record<string, Record<string, number>>)
      .flatMap((row) => Object.values(row))
      .reduce((a, b) => a + b, 0);
    expect(emotionCount).toBe(LINES.length - 4);
  });

  it("without --json prints no JSON line", async () => {
    const evaluation = await nlp("eval", data, "--model", model);
    expect(evaluation.code).toBe(0);
    expect(evaluation.stdout.trimEnd().split("\n").at(-1)).not.toMatch(/^\{/);
  });

  it("explains a missing file, a bad JSON line and a directory without a model", async () => {
    const missing = await nlp("train", path.join(tmp, "missing.jsonl"), "--model", model);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: .*missing\.jsonl: no such file/);

    const bad = path.join(tmp, "bad.jsonl");
    fs.writeFileSync(bad, `${JSON.stringify(LINES[0])}\n${JSON.stringify(LINES[1])}\n{"text": "坏行", "type": }\n`);
    const badLine = await nlp("train", bad, "--model", model);
    expect(badLine.code).toBe(1);
    expect(badLine.stderr).toMatch(/error: .*bad\.jsonl line 3: not valid JSON/);

    const noModel = await nlp("eval", data, "--model", tmp);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(
      /error: .*no model here \(model\.json is missing\); train one with: npm run nlp -- train/,
    );
  });

  it("explains wrong usage", async () => {
    const noModelFlag = await nlp("train", data);
    expect(noModelFlag.code).toBe(2);
    expect(noModelFlag.stderr).toContain("missing --model <dir>");
    expect(noModelFlag.stderr).toContain("usage:");
    const unknown = await nlp("fit", data, "--model", model);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "fit"');
  });
});
