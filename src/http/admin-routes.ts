// Catalog operations for editors and operators: reload intents/ without a restart,
// and read what citizens asked that the hub could not answer. Bearer-token protected.
import type { FastifyInstance } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import type { ReloadResult } from "../knowledge/knowledge-store.ts";
import { adminAuth } from "./admin-auth.ts";
import { errorResponseSchema, errorResponses } from "./error-schema.ts";
import { type UnansweredQuery, unansweredAnswer, unansweredQuerySchema, unansweredSchema } from "./unanswered-view.ts";

const adminErrors = { ...errorResponses, 401: errorResponseSchema } as const;

const headersSchema = {
  type: "object",
  properties: { authorization: { type: "string" } },
} as const;

const reloadedSchema = {
  type: "object",
  required: ["status", "version", "items", "loadedAt", "loadMs"],
  properties: {
    status: { type: "string", enum: ["reloaded"] },
    /** The knowledge snapshot now serving (catalog, routing rules, departments, menu, calendar). */
    version: { type: "integer" },
    items: { type: "integer" },
    loadedAt: { type: "string", format: "date-time" },
    loadMs: { type: "integer" },
  },
} as const;

/** A knowledge snapshot: version, item count and load time (what serves, or what an edit made). */
export const snapshotSchema = {
  type: "object",
  required: ["version", "items", "loadedAt"],
  properties: {
    version: { type: "integer" },
    items: { type: "integer" },
    loadedAt: { type: "string", format: "date-time" },
  },
} as const;
export const rejectedSchema = {
  type: "object",
  required: ["status", "problems", "serving"],
  properties: {
    status: { type: "string", enum: ["rejected"] },
    /** Each problem names the file and the field. */
    problems: { type: "array", items: { type: "string" } },
    /** The snapshot that keeps serving. */
    serving: snapshotSchema,
  },
} as const;

export interface AdminRoutesOptions {
  prisma: PrismaClient;
  /** ADMIN_TOKEN; without one the admin API answers 503. */
  adminToken: string | undefined;
  /** The catalog now serving. */
  catalog(): Catalog;
  /** Reloads intents/ (the catalog store's reload). */
  reloadCatalog(): Promise<ReloadResult>;
}

export async function adminRoutes(
  app: FastifyInstance,
  { prisma, adminToken, catalog: currentCatalog, reloadCatalog }: AdminRoutesOptions,
) {
  app.addHook("onRequest", adminAuth(adminToken));

  app.post(
    "/api/admin/catalog/reload",
    { schema: { headers: headersSchema, response: { 200: reloadedSchema, 422: rejectedSchema, ...adminErrors } } },
    async (_request, reply) => {
      const result = await reloadCatalog();
      if (result.ok) {
        const { version, items, loadedAt, loadMs } = result;
        return { status: "reloaded", version, items, loadedAt: loadedAt.toISOString(), loadMs };
      }
      const { serving } = result;
      return reply.status(422).send({
        status: "rejected",
        problems: result.problems,
        serving: { version: serving.version, items: serving.items, loadedAt: serving.loadedAt.toISOString() },
      });
    },
  );

  app.get<{ Querystring: UnansweredQuery }>(
    "/api/admin/unanswered",
    {
      schema: {
        headers: headersSchema,
        querystring: unansweredQuerySchema,
        response: { 200: unansweredSchema, ...adminErrors },
      },
    },
    async (request) => unansweredAnswer(prisma, request.query, currentCatalog()),
  );
}
