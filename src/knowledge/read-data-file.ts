// Reads one data file of intents/ (YAML, or JSON by extension) and checks it against its
// schema. Problems are collected rather than thrown, so one load reports every bad file
// and field at once, each naming the file's path.
import fs from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";

export async function readDataFile<S extends z.ZodType>(
  dir: string,
  file: string,
  schema: S,
  problems: string[],
): Promise<z.infer<S> | undefined> {
  const fullPath = path.join(dir, file);
  let data: unknown;
  try {
    const text = await fs.readFile(fullPath, "utf8");
    data = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    problems.push(`${fullPath}: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path.length > 0 ? issue.path.join(".") : "(file)";
      problems.push(`${fullPath}: ${field}: ${issue.message}`);
    }
    return undefined;
  }
  return result.data;
}
