// Query strings and path parameters are text a client chooses: "%00" decodes to U+0000,
// which PostgreSQL cannot take as a parameter (a 500 for GET /open311/v2/requests.json?
// service_request_id=%00). They are cleaned like every other entry's text
// (src/messages/clean-text.ts) before validation, for every route. Bodies are cleaned
// where they are taken in (the conversation pipeline, the Open311 intake).
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { cleanText } from "../messages/clean-text.ts";

function cleanInPlace(record: unknown): void {
  if (record === null || typeof record !== "object") return;
  const fields = record as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string") fields[key] = cleanText(value);
    else if (Array.isArray(value)) fields[key] = value.map((v) => (typeof v === "string" ? cleanText(v) : v));
  }
}

export const cleanInput = fp(async (app: FastifyInstance) => {
  app.addHook("preValidation", async (request) => {
    cleanInPlace(request.query);
    cleanInPlace(request.params);
  });
});
