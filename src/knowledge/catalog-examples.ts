// Adding an example question to a service item in its data file under intents/items/, so
// the hub learns a wording citizens used (from the unanswered-question report). YAML is
// edited through the yaml package's Document, which keeps the file's comments, key order
// and flow lists ([a, b]) as they were; only the new line differs. The caller reloads the
// knowledge snapshot afterwards, and puts the old text back if the reload is rejected.
import fs from "node:fs/promises";
import path from "node:path";
import { isSeq, parseDocument } from "yaml";
import { CatalogEditError, type FileEdit, parseYamlFile, printYaml, writeIntentsFile } from "./intents-file.ts";

const DATA_FILE = /\.(ya?ml|json)$/i;

/** The item's file ("items/GA001.yaml") and its text before the change. */
export type AddedExample = FileEdit;

export async function addExampleQuestion(
  intentsDir: string,
  itemCode: string,
  question: string,
): Promise<AddedExample> {
  const found = await findItemFile(intentsDir, itemCode);
  if (!found) throw new CatalogEditError(`目录中没有编码为 ${itemCode} 的事项。`, "not_found");
  const { file, text } = found;
  const edited = file.toLowerCase().endsWith(".json") ? editJson(text, question) : editYaml(text, question);
  await writeIntentsFile(intentsDir, file, edited);
  return { file, previous: text };
}

async function findItemFile(intentsDir: string, itemCode: string): Promise<{ file: string; text: string } | undefined> {
  const dir = path.join(intentsDir, "items");
  const files = (await fs.readdir(dir)).filter((f) => DATA_FILE.test(f)).sort();
  for (const name of files) {
    const text = await fs.readFile(path.join(dir, name), "utf8");
    // Cheap test first: most files do not mention the code at all.
    if (!text.includes(itemCode)) continue;
    const code = name.toLowerCase().endsWith(".json")
      ? (JSON.parse(text) as { code?: unknown }).code
      : parseDocument(text).get("code");
    if (code === itemCode) return { file: path.join("items", name), text };
  }
  return undefined;
}

function alreadyThere(examples: unknown[], question: string): void {
  if (examples.some((e) => typeof e === "string" && e.trim() === question))
    throw new CatalogEditError("这个问题已经是该事项的示例问法。", "conflict");
}

function editYaml(text: string, question: string): string {
  const doc = parseYamlFile(text, "事项文件");
  const examples = doc.get("examples");
  if (examples === undefined) doc.set("examples", doc.createNode([question]));
  else if (isSeq(examples)) {
    alreadyThere(examples.toJSON() as unknown[], question);
    examples.add(doc.createNode(question));
  } else throw new CatalogEditError("事项文件的 examples 不是列表。", "invalid");
  return printYaml(doc);
}

function editJson(text: string, question: string): string {
  const item = JSON.parse(text) as { examples?: unknown };
  if (item.examples !== undefined && !Array.isArray(item.examples))
    throw new CatalogEditError("事项文件的 examples 不是列表。", "invalid");
  const examples = (item.examples as unknown[] | undefined) ?? [];
  alreadyThere(examples, question);
  item.examples = [...examples, question];
  return `${JSON.stringify(item, null, 2)}\n`;
}
