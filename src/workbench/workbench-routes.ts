// The department workbench's files, served from memory: every file of public/ at
// /workbench/<path> with an ETag (revalidated on each load, so a deploy reaches the
// next page load), and index.html for any other /workbench/* path so a deep link
// (/workbench/tickets/GD…) opens the app, which then routes in the browser.
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { type MemoryAsset, memoryAsset, memoryAssetSchema, sendAsset } from "../http/memory-asset.ts";

export const WORKBENCH_PREFIX = "/workbench/";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(path.join(dir, entry.name), relative)));
    else if (TYPES[path.extname(entry.name)]) found.push(relative);
  }
  return found;
}

async function loadAssets(): Promise<Map<string, MemoryAsset>> {
  const assets = new Map<string, MemoryAsset>();
  for (const file of await listFiles(PUBLIC_DIR)) {
    const body = await fs.readFile(path.join(PUBLIC_DIR, file), "utf8");
    // Revalidated on each load, so a deploy reaches the next page load.
    assets.set(file, memoryAsset(body, TYPES[path.extname(file)]!, "no-cache"));
  }
  return assets;
}

export async function workbenchRoutes(app: FastifyInstance) {
  const assets = await loadAssets();
  const index = assets.get("index.html");
  if (!index) throw new Error("src/workbench/public/index.html is missing");

  const schema = memoryAssetSchema;

  app.get("/workbench", (_request, reply) => reply.redirect(WORKBENCH_PREFIX, 301));
  app.get<{ Params: { "*": string } }>(`${WORKBENCH_PREFIX}*`, { schema }, async (request, reply) => {
    const asset = assets.get(request.params["*"]);
    // A file that looks like one (has an extension) but is not there is a 404, not the app.
    if (!asset && /\.[a-z0-9]+$/i.test(request.params["*"])) {
      return reply.code(404).type("text/plain; charset=utf-8").send("Not found");
    }
    return sendAsset(request, reply, asset ?? index);
  });
}
