// Writing the data files under intents/ from the admin API: the error an edit reports,
// YAML parsed and printed through the yaml package's Document (comments, key order and
// [a, b] lists kept as they were: only what changed differs), and atomic writes, so the
// watcher and a reload never read half a file.
import fs from "node:fs/promises";
import path from "node:path";
import { type Document, isSeq, type Node, parseDocument, type YAMLSeq } from "yaml";

export class CatalogEditError extends Error {
  override name = "CatalogEditError";
  constructor(
    message: string,
    readonly kind: "not_found" | "conflict" | "invalid",
  ) {
    super(message);
  }
}

/** A file an edit changed, relative to the intents directory, with its text before the edit. */
export interface FileEdit {
  file: string;
  previous: string;
}

export async function readIntentsFile(intentsDir: string, file: string): Promise<string> {
  return fs.readFile(path.join(intentsDir, file), "utf8");
}

/** Written beside and renamed over: the watcher and a reload never read half a file. */
export async function writeIntentsFile(intentsDir: string, file: string, text: string): Promise<void> {
  const target = path.join(intentsDir, file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  await fs.writeFile(temporary, text);
  await fs.rename(temporary, target);
}

/** Puts a file's text back, as written before an edit. */
export async function restoreFile(intentsDir: string, file: string, text: string): Promise<void> {
  await writeIntentsFile(intentsDir, file, text);
}

export function parseYamlFile(text: string, file: string): Document.Parsed {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new CatalogEditError(`${file} 无法解析：${doc.errors[0]!.message}`, "invalid");
  return doc;
}

/** The options the catalog's files are written in: no folding of long lines, [a, b] without padding. */
export function printYaml(doc: Document): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * A list as a YAML node, written the way the list it replaces was ([a, b] or one item a line);
 * a new list is written [a, b] when short, one item a line when long.
 */
export function listNode(doc: Document, values: readonly string[], replacing?: unknown): Node {
  const node = doc.createNode([...values]) as Node & { flow?: boolean };
  node.flow = isSeq(replacing) ? (replacing.flow ?? false) : values.join("").length <= 40;
  return node;
}

/**
 * Edits the list under `key` of an intents file (departments, routing rules): read, parse,
 * change, written atomically. Returns the file's text before the edit, for a restore.
 */
export async function editYamlList(
  intentsDir: string,
  file: string,
  key: string,
  change: (doc: Document.Parsed, list: YAMLSeq) => void,
): Promise<FileEdit> {
  const previous = await readIntentsFile(intentsDir, file);
  const doc = parseYamlFile(previous, file);
  const list = doc.get(key, true);
  if (!isSeq(list)) throw new CatalogEditError(`${file} 的 ${key} 不是列表。`, "invalid");
  change(doc, list);
  await writeIntentsFile(intentsDir, file, printYaml(doc));
  return { file, previous };
}
