// Importing a city's list of service items (事项清单) into intents/items/: every row made an
// item (item-sheet-row.ts), set against the files already there — added, changed (which
// fields), unchanged — and written only when asked. Columns the sheet lacks (办公时间, 设定依据) do not overwrite what an item has. A bad row is reported with its row
// number and left out; every other row still goes in. An item already in the catalog keeps
// its example questions, aliases and head concept (people wrote them from what citizens ask):
// the import adds aliases and replaces the official fields.
import fs from "node:fs/promises";
import path from "node:path";
import { Document, parseDocument, parse as parseYaml } from "yaml";
import { type Department, type ServiceItem, serviceItemSchema } from "./catalog-schema.ts";
import { listNode, printYaml, writeIntentsFile } from "./intents-file.ts";
import { AgencyMatcher } from "./agency-matcher.ts";
import { itemFromRow } from "./item-sheet-row.ts";

/** A data row of the sheet: its row number (the header is row 1) and its cells by header. */
export interface SheetRow {
  line: number;
  fields: Record<string, unknown>;
}

export interface RejectedRow {
  line: number;
  problems: string[];
}

export interface PlannedItem {
  line: number;
  item: ServiceItem;
  /** The item's file in the items directory. */
  file: string;
}

export interface ChangedItem extends PlannedItem {
  fields: (keyof ServiceItem)[];
}

export interface ImportPlan {
  added: PlannedItem[];
  changed: ChangedItem[];
  unchanged: PlannedItem[];
  rejected: RejectedRow[];
  /** Every 实施主体 no department matched, once each, in the order met. */
  unknownAgencies: string[];
}

export interface ImportOptions {
  departments: readonly Department[];
  /** 实施主体 → department code, for agencies departments.yaml does not name. */
  mapping?: ReadonlyMap<string, string>;
  /** Where the item files are (intents/items). */
  itemsDir: string;
}

const FIELDS = Object.keys(serviceItemSchema.shape) as (keyof ServiceItem)[];
const DATA_FILE = /\.(ya?ml|json)$/i;

/** The items already in the directory, by code (files that do not parse or validate are left out). */
async function existingItems(dir: string): Promise<Map<string, { item: ServiceItem; file: string }>> {
  const found = new Map<string, { item: ServiceItem; file: string }>();
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => DATA_FILE.test(f)).sort();
  } catch {
    return found; // a new directory
  }
  for (const file of files) {
    try {
      const text = await fs.readFile(path.join(dir, file), "utf8");
      const parsed = serviceItemSchema.safeParse(file.endsWith(".json") ? JSON.parse(text) : parseYaml(text));
      if (parsed.success) found.set(parsed.data.code, { item: parsed.data, file });
    } catch {
      // Not ours to judge here: the catalog loader reports it.
    }
  }
  return found;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What the import would do, without writing anything. */
export async function planImport(
  rows: AsyncIterable<SheetRow> | Iterable<SheetRow>,
  options: ImportOptions,
): Promise<ImportPlan> {
  const agencies = new AgencyMatcher(options.departments, options.mapping);
  const existing = await existingItems(options.itemsDir);
  const existingNames = new Map([...existing.values()].map(({ item }) => [item.name, item.code]));
  const plan: ImportPlan = { added: [], changed: [], unchanged: [], rejected: [], unknownAgencies: [] };
  const codeLines = new Map<string, number>();
  const nameLines = new Map<string, number>();

  for await (const { line, fields } of rows) {
    const result = itemFromRow(fields, agencies);
    if (!result.ok) {
      plan.rejected.push({ line, problems: result.problems });
      if (result.unknownAgency && !plan.unknownAgencies.includes(result.unknownAgency))
        plan.unknownAgencies.push(result.unknownAgency);
      continue;
    }
    const imported = result.item;
    const problems: string[] = [];
    const codeLine = codeLines.get(imported.code);
    if (codeLine !== undefined) problems.push(`事项编码「${imported.code}」与第 ${codeLine} 行重复`);
    const nameLine = nameLines.get(imported.name);
    if (nameLine !== undefined) problems.push(`事项名称「${imported.name}」与第 ${nameLine} 行重复`);
    const holder = existingNames.get(imported.name);
    if (holder !== undefined && holder !== imported.code)
      problems.push(`事项名称「${imported.name}」已被目录中的 ${holder} 使用`);
    if (problems.length > 0) {
      plan.rejected.push({ line, problems });
      continue;
    }
    codeLines.set(imported.code, line);
    nameLines.set(imported.name, line);

    const before = existing.get(imported.code);
    if (!before) {
      plan.added.push({ line, item: imported, file: `${imported.code}.yaml` });
      continue;
    }
    const item: ServiceItem = {
      ...imported,
      aliases: [...new Set([...before.item.aliases, ...imported.aliases])],
      examples: before.item.examples,
      // The head concept is written by people too (what a question must name to be about it).
      ...(before.item.head && { head: before.item.head }),
    };
    for (const field of result.defaulted) (item[field] as unknown) = before.item[field];
    const changed = FIELDS.filter((field) => !same(before.item[field], item[field]));
    if (changed.length === 0) plan.unchanged.push({ line, item, file: before.file });
    else plan.changed.push({ line, item, file: before.file, fields: changed });
  }
  return plan;
}

/** The YAML of a new item file, noting where it came from. */
export function itemYaml(item: ServiceItem, source: string): string {
  const doc = new Document(item);
  const aliases = doc.get("aliases", true) as { flow?: boolean } | undefined;
  if (aliases) aliases.flow = true;
  return `# 由事项清单导入（npm run catalog -- import）：${source}\n${printYaml(doc)}`;
}

/** An existing file with the changed fields replaced: its comments and the other fields stay as written. */
function editedFile(text: string, file: string, changed: ChangedItem): string {
  if (file.endsWith(".json")) return `${JSON.stringify(changed.item, null, 2)}\n`;
  const doc = parseDocument(text);
  for (const field of changed.fields) {
    const value = changed.item[field];
    const strings = Array.isArray(value) && value.every((v) => typeof v === "string");
    doc.set(field, strings ? listNode(doc, value, doc.get(field, true)) : doc.createNode(value));
  }
  return printYaml(doc);
}

/** Writes the plan's added and changed items (each file atomically); returns how many files were written. */
export async function writeImport(plan: ImportPlan, itemsDir: string, sourceName: string): Promise<number> {
  await fs.mkdir(itemsDir, { recursive: true });
  for (const { item, file, line } of plan.added)
    await writeIntentsFile(itemsDir, file, itemYaml(item, `${sourceName} 第 ${line} 行`));
  for (const changed of plan.changed) {
    const text = await fs.readFile(path.join(itemsDir, changed.file), "utf8");
    await writeIntentsFile(itemsDir, changed.file, editedFile(text, changed.file, changed));
  }
  return plan.added.length + plan.changed.length;
}
