// Reads and validates intents/. Every problem is reported with the file and the
// field, and nothing is served from a catalog that has one.
import fs from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { readDataFile } from "./read-data-file.ts";
import {
  type Catalog,
  departmentsFileSchema,
  facetsFileSchema,
  functionWordsFileSchema,
  messageKindsFileSchema,
  outOfScopeFileSchema,
  serviceStagesFileSchema,
  type ServiceItem,
  serviceItemSchema,
  synonymsFileSchema,
} from "./catalog-schema.ts";

export class CatalogError extends Error {
  override name = "CatalogError";
  constructor(readonly problems: string[]) {
    super(`Invalid catalog:\n  ${problems.join("\n  ")}`);
  }
}

const DATA_FILE = /\.(ya?ml|json)$/i;

export async function loadCatalog(dir: string): Promise<Catalog> {
  const problems: string[] = [];
  const read = <S extends z.ZodType>(file: string, schema: S) => readDataFile(dir, file, schema, problems);

  const departmentsFile = await read("departments.yaml", departmentsFileSchema);
  const synonymsFile = await read("synonyms.yaml", synonymsFileSchema);
  const messageKinds = await read("message-kinds.yaml", messageKindsFileSchema);
  const facets = await read("facets.yaml", facetsFileSchema);
  const outOfScope = await read("out-of-scope.yaml", outOfScopeFileSchema);
  const functionWords = await read("function-words.yaml", functionWordsFileSchema);
  const serviceStages = await read("service-stages.yaml", serviceStagesFileSchema);

  const itemFiles = await listDataFiles(path.join(dir, "items"), problems);
  const items: ServiceItem[] = [];
  for (const file of itemFiles) {
    const item = await read(path.join("items", file), serviceItemSchema);
    if (item) items.push(item);
  }

  if (departmentsFile) checkReferences(items, departmentsFile, problems);
  checkUnique(items, "code", problems);
  checkUnique(items, "name", problems);
  if (itemFiles.length === 0) problems.push(`${path.join(dir, "items")}: no service items found`);

  if (
    problems.length > 0 ||
    !departmentsFile ||
    !synonymsFile ||
    !messageKinds ||
    !facets ||
    !outOfScope ||
    !functionWords ||
    !serviceStages
  )
    throw new CatalogError(problems);
  return {
    items,
    departments: departmentsFile.departments,
    dispatcher: departmentsFile.dispatcher,
    synonyms: synonymsFile.synonyms,
    messageKinds,
    facets,
    outOfScope: outOfScope.questions,
    outOfScopeActions: outOfScope.actions,
    serviceStages: serviceStages.stages,
    functionWords: functionWords.words,
  };
}

async function listDataFiles(dir: string, problems: string[]): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((f) => DATA_FILE.test(f)).sort();
  } catch (error) {
    problems.push(
      `${dir}: cannot read directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
    return [];
  }
}

function checkReferences(items: ServiceItem[], file: z.infer<typeof departmentsFileSchema>, problems: string[]): void {
  const codes = new Set(file.departments.map((d) => d.code));
  if (!codes.has(file.dispatcher)) {
    problems.push(`departments.yaml: dispatcher: "${file.dispatcher}" is not one of the departments`);
  } else if (file.departments.find((d) => d.code === file.dispatcher)?.disabled) {
    problems.push(`departments.yaml: dispatcher: "${file.dispatcher}" is disabled`);
  }
  for (const item of items) {
    if (!codes.has(item.department)) {
      problems.push(`items/${item.code}: department: "${item.department}" is not in departments.yaml`);
    }
  }
  checkUnique(file.departments, "code", problems, "departments.yaml");
}

function checkUnique<T extends Record<K, string>, K extends string>(
  rows: T[],
  key: K,
  problems: string[],
  where = "items",
): void {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row[key])) problems.push(`${where}: ${key} "${row[key]}" appears more than once`);
    seen.add(row[key]);
  }
}
