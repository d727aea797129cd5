// The browser side of web chat, served from memory: the widget (widget.js + widget.css),
// which any page embeds with one <script> tag, and the full-page chat at "/" that
// embeds the same widget. Embedders link a fixed URL, so assets are cached briefly and
// revalidated by ETag rather than cached forever.
import fs from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { memoryAsset, memoryAssetSchema, sendAsset } from "../../src/http/memory-asset.ts";

interface Asset {
  url: string;
  file: string;
  type: string;
  cacheControl: string;
}

export const WIDGET_URL = "/webchat/widget.js";

const ASSETS: Asset[] = [
  { url: "/", file: "index.html", type: "text/html; charset=utf-8", cacheControl: "no-cache" },
  { url: WIDGET_URL, file: "widget.js", type: "text/javascript; charset=utf-8", cacheControl: "public, max-age=300" },
  {
    url: "/webchat/widget.css",
    file: "widget.css",
    type: "text/css; charset=utf-8",
    cacheControl: "public, max-age=300",
  },
];

const PUBLIC_DIR = new URL("./public/", import.meta.url);

export async function widgetAssetRoutes(app: FastifyInstance) {
  for (const asset of ASSETS) {
    const body = await fs.readFile(new URL(asset.file, PUBLIC_DIR), "utf8");
    const served = memoryAsset(body, asset.type, asset.cacheControl);
    app.get(asset.url, { schema: memoryAssetSchema }, (request, reply) => sendAsset(request, reply, served));
  }
}
