// The public transparency page (/transparency), its script and styles, served from memory
// by the hub itself (no CDN). The page may change with any release: cached briefly and
// revalidated by ETag, like the web chat's files.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

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
    const body = await fs.readFile(new URL(asset.file, PUBLIC_DIR), "utf8");
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    app.get(
      asset.url,
      { schema: { response: { 200: { type: "string" }, 304: { type: "null" } } } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        reply.header("cache-control", "public, max-age=300").header("etag", etag);
        const tags = request.headers["if-none-match"]?.split(",") ?? [];
        if (tags.some((tag) => tag.trim().replace(/^W\//, "") === etag)) return reply.code(304).send();
        return reply.type(asset.type).send(body);
      },
    );
  }
}
