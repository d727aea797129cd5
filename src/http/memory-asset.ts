// A file the hub serves from memory (its own pages, the widget, vendored libraries): read
// once at start, sent with an ETag and its cache policy, and answered 304 when the browser
// already has it. One definition for every plugin that serves files.
import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

export interface MemoryAsset {
  body: string;
  etag: string;
  type: string;
  cacheControl: string;
}

export function memoryAsset(body: string, type: string, cacheControl: string): MemoryAsset {
  return { body, type, cacheControl, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` };
}

/** The route schema of an asset: the body as a string, or nothing on 304. */
export const memoryAssetSchema = { response: { 200: { type: "string" }, 304: { type: "null" } } } as const;

export function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: MemoryAsset) {
  reply.header("cache-control", asset.cacheControl).header("etag", asset.etag);
  const tags = request.headers["if-none-match"]?.split(",") ?? [];
  if (tags.some((tag) => tag.trim().replace(/^W\//, "") === asset.etag)) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}
