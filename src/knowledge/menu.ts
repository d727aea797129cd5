// The account's custom menu, kept as data (intents/wechat-menu.yaml). Each click
// button carries a key the platform sends back when it is tapped: ITEM_<code> answers
// a catalog item, ACTION_* starts an action. The same keys work on Weibo's menu.
import fs from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Catalog } from "./catalog-schema.ts";
import { CatalogError } from "./load-catalog.ts";

export const MENU_FILE = "wechat-menu.yaml";

export const MENU_ACTIONS = ["complain", "ticket-status"] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

const utf8Bytes = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .refine(
      (s) => Buffer.byteLength(s) <= max,
      `${what} must be at most ${max} bytes (${(max / 4) | 0}–${(max / 3) | 0} Chinese characters)`,
    );

const leafSchema = (nameBytes: number) =>
  z.union([
    z.strictObject({ name: utf8Bytes(nameBytes, "name"), item: z.string().regex(/^[A-Z]{2,4}\d{3,}$/) }),
    z.strictObject({ name: utf8Bytes(nameBytes, "name"), action: z.enum(MENU_ACTIONS) }),
    z.strictObject({
      name: utf8Bytes(nameBytes, "name"),
      url: z.url().refine((u) => Buffer.byteLength(u) <= 1024, "url must be at most 1024 bytes"),
    }),
  ]);

const subButtonSchema = leafSchema(60);
const topButtonSchema = z.union([
  leafSchema(16),
  z.strictObject({ name: utf8Bytes(16, "name"), buttons: z.array(subButtonSchema).min(1).max(5) }),
]);

export const menuFileSchema = z.strictObject({ buttons: z.array(topButtonSchema).min(1).max(3) });
export type MenuFile = z.infer<typeof menuFileSchema>;
export type MenuButton = z.infer<typeof topButtonSchema>;
export type MenuLeaf = z.infer<typeof subButtonSchema>;

/** What a key means. Items by code: the catalog can be reloaded while the hub runs. */
export type MenuTarget = { itemCode: string } | { action: MenuAction };

export function menuKey(leaf: MenuLeaf): string | undefined {
  if ("item" in leaf) return `ITEM_${leaf.item}`;
  if ("action" in leaf) return `ACTION_${leaf.action.toUpperCase().replace(/-/g, "_")}`;
  return undefined;
}

export class Menu {
  private readonly targets = new Map<string, MenuTarget>();

  constructor(readonly file: MenuFile) {
    for (const leaf of leaves(file)) {
      const key = menuKey(leaf);
      if (!key) continue;
      if ("item" in leaf) this.targets.set(key, { itemCode: leaf.item });
      else if ("action" in leaf) this.targets.set(key, { action: leaf.action });
    }
  }

  /** What a tapped key means; undefined for a key this menu does not have (e.g. an old menu). */
  resolve(key: string): MenuTarget | undefined {
    return this.targets.get(key);
  }

  /** The codes of the items the menu offers, in menu order. */
  itemCodes(): string[] {
    return [...this.targets.values()].flatMap((t) => ("itemCode" in t ? [t.itemCode] : []));
  }
}

export function leaves(file: MenuFile): MenuLeaf[] {
  return file.buttons.flatMap((b) => ("buttons" in b ? b.buttons : [b]));
}

/** Reads and checks the menu against the catalog; a missing file is an empty menu. */
export async function loadMenu(intentsDir: string, catalog: Catalog): Promise<Menu> {
  const file = path.join(intentsDir, MENU_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Menu({ buttons: [] } as unknown as MenuFile);
    throw error;
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new CatalogError([`${file}: ${(error as Error).message.split("\n")[0]}`]);
  }
  const parsed = menuFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new CatalogError(
      parsed.error.issues.map((issue) => `${file}: ${issue.path.join(".") || "(file)"}: ${issue.message}`),
    );
  }
  const codes = new Set(catalog.items.map((item) => item.code));
  const unknown = leaves(parsed.data).flatMap((leaf) =>
    "item" in leaf && !codes.has(leaf.item) ? [`${file}: ${leaf.name}: no service item ${leaf.item}`] : [],
  );
  if (unknown.length > 0) throw new CatalogError(unknown);
  return new Menu(parsed.data);
}
