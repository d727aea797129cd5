// The public transparency page (/transparency), its script and styles, served from memory
// by the hub itself (no CDN). The page may change with any release: cached briefly and
// revalidated by ETag, like the web chat's files.
import fs from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { memoryAsset, memoryAssetSchema, sendAsset } from "../http/memory-asset.ts";

interface Asset {
  url: string;
  file: string;
  type: string;
}

export const TRANSPARENCY_PAGE = "/transparency";

const ASSETS: Asset[] = [
  { url: TRANSPARENCY_PAGE, file: "index.html", type: "text/html; charset=utf-8" },
  { url: "/transparency/transparency.js", file: "transparency.js", type: "text/javascript; charset=utf-8" },
  { url: "/transparency/transparency.css", file: "transparency.css", type: "text/css; charset=utf-8" },
];

const PUBLIC_DIR = new URL("./public/", import.meta.url);

export async function transparencyAssetRoutes(app: FastifyInstance) {
  for (const asset of ASSETS) {
    const served = memoryAsset(
      await fs.readFile(new URL(asset.file, PUBLIC_DIR), "utf8"),
      asset.type,
      "public, max-age=300",
    );
    app.get(asset.url, { schema: memoryAssetSchema }, (request, reply) => sendAsset(request, reply, served));
  }
}
