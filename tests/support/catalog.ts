import path from "node:path";
import { loadCatalog } from "../../src/knowledge/load-catalog.ts";
import type { Catalog } from "../../src/knowledge/catalog-schema.ts";

export const INTENTS_DIR = path.resolve(import.meta.dirname, "../../intents");

let cached: Promise<Catalog> | undefined;

/** The shipped catalog, loaded once per test file. */
export function shippedCatalog(): Promise<Catalog> {
  cached ??= loadCatalog(INTENTS_DIR);
  return cached;
}
