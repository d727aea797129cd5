// Labeled training/evaluation data: JSON Lines with `text` and optional `type`, `domain`,
// `emotion`. A missing or null label means "not labeled for that task".
import fs from "node:fs";
import { TASKS, type TaskName } from "./classifier-model.ts";

export type LabeledMessage = { text: string } & Partial<Record<TaskName, string>>;

export class LabeledDataError extends Error {}

export function readLabeledMessages(file: string): LabeledMessage[] {
  let content: string;
  try {
    content = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new LabeledDataError(`${file}: no such file`);
    if (code === "EISDIR") throw new LabeledDataError(`${file}: is a directory, not a JSONL file`);
    throw new LabeledDataError(`${file}: cannot read (${(err as Error).message})`);
  }
  return parseLabeledMessages(content, file);
}

export function parseLabeledMessages(content: string, source: string): LabeledMessage[] {
  const messages: LabeledMessage[] = [];
  content.split("\n").forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === "") return;
    const where = `${source} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new LabeledDataError(`${where}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new LabeledDataError(`${where}: expected a JSON object`);
    }
    const record = value as Record<string, unknown>;
    if (typeof record.text !== "string" || record.text.trim() === "") {
      throw new LabeledDataError(`${where}: "text" must be a non-empty string`);
    }
    const message: LabeledMessage = { text: record.text };
    for (const task of TASKS) {
      const label = record[task];
      if (label === undefined || label === null) continue;
      if (typeof label !== "string" || label.trim() === "") {
        throw new LabeledDataError(`${where}: "${task}" must be a non-empty string or null`);
      }
      message[task] = label.trim();
    }
    messages.push(message);
  });
  return messages;
}
