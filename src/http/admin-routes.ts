// Catalog operations for editors and operators: reload intents/ without a restart,
// and read what citizens asked that the hub could not answer. Bearer-token protected.
import type { FastifyInstance } from "fastify";
import { unansweredReport } from "../conversation/unanswered-report.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import type { ReloadResult } from "../knowledge/knowledge-store.ts";
import { adminAuth } from "./admin-auth.ts";
import { errorResponseSchema, errorResponses } from "./error-schema.ts";

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

const rejectedSchema = {
  type: "object",
  required: ["status", "problems", "serving"],
  properties: {
    status: { type: "string", enum: ["rejected"] },
    /** Each problem names the file and the field. */
    problems: { type: "array", items: { type: "string" } },
    /** The snapshot that keeps serving. */
    serving: {
      type: "object",
      required: ["version", "items", "loadedAt"],
      properties: {
        version: { type: "integer" },
        items: { type: "integer" },
        loadedAt: { type: "string", format: "date-time" },
      },
    },
  },
} as const;

interface UnansweredQuery {
  days: number;
  limit: number;
}

const unansweredQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    /** How far back to look. */
    days: { type: "integer", minimum: 1, maximum: 366, default: 30 },
    /** How many groups to return. */
    limit: { type: "integer", minimum: 1, maximum: 500, default: 20 },
  },
} as const;

const unansweredSchema = {
  type: "object",
  required: ["since", "total", "groups"],
  properties: {
    since: { type: "string", format: "date-time" },
    total: { type: "integer" },
    groups: {
      type: "array",
      items: {
        type: "object",
        required: ["count", "text", "questions", "lastAskedAt"],
        properties: {
          count: { type: "integer" },
          text: { type: "string" },
          questions: {
            type: "array",
            items: {
              type: "object",
              required: ["text", "count"],
              properties: { text: { type: "string" }, count: { type: "integer" } },
            },
          },
          lastAskedAt: { type: "string", format: "date-time" },
          closestItem: {
            type: "object",
            required: ["code"],
            properties: { code: { type: "string" }, name: { type: "string" } },
          },
        },
      },
    },
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
    async (request) => {
      const since = new Date(Date.now() - request.query.days * 24 * 60 * 60 * 1000);
      const report = await unansweredReport(prisma, { since, limit: request.query.limit });
      const catalog = currentCatalog();
      return {
        since: report.since.toISOString(),
        total: report.total,
        groups: report.groups.map(({ closestItem, lastAskedAt, ...group }) => {
          const item = closestItem ? catalog.items.find((i) => i.code === closestItem) : undefined;
          return {
            ...group,
            lastAskedAt: lastAskedAt.toISOString(),
            ...(closestItem && { closestItem: { code: closestItem, ...(item && { name: item.name }) } }),
          };
        }),
      };
    },
  );
}
