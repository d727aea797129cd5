// GET /api/public/transparency?months=12: aggregate service figures for anyone, no login.
// Answers are kept in memory for a few minutes (per months value, concurrent requests share
// one query), so the public cannot load the database however often it asks.
import type { FastifyInstance } from "fastify";
import { type TransparencyReport, transparencyReport } from "../cases/transparency-stats.ts";
import type { PrismaClient } from "../db/database.ts";
import { errorResponses } from "../http/error-schema.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";

export const TRANSPARENCY_CACHE_SECONDS = 300;
export const MAX_MONTHS = 24;

export interface TransparencyApiOptions {
  prisma: PrismaClient;
  /** The knowledge snapshot now serving: department and category names. */
  knowledge(): Pick<Knowledge, "departments" | "caseRules">;
  timeZone: string;
  /** TRANSPARENCY_MIN_GROUP. */
  minGroup: number;
}

const rate = { type: ["number", "null"], minimum: 0, maximum: 1 } as const;
const figures = {
  received: { type: "integer" },
  resolved: { type: "integer" },
  onTimeRate: rate,
  satisfactionRate: rate,
} as const;
const figureNames = ["received", "resolved", "onTimeRate", "satisfactionRate"] as const;

const reportSchema = {
  type: "object",
  required: ["generatedAt", "minGroup", "months"],
  properties: {
    generatedAt: { type: "string", format: "date-time" },
    minGroup: { type: "integer" },
    months: {
      type: "array",
      items: {
        type: "object",
        required: ["month", ...figureNames, "departments", "categories"],
        properties: {
          month: { type: "string" },
          ...figures,
          departments: {
            type: "array",
            items: {
              type: "object",
              required: ["name", "other", ...figureNames],
              properties: { name: { type: "string" }, other: { type: "boolean" }, ...figures },
            },
          },
          categories: {
            type: "array",
            items: {
              type: "object",
              required: ["name", "other", "received"],
              properties: { name: { type: "string" }, other: { type: "boolean" }, received: { type: "integer" } },
            },
          },
        },
      },
    },
  },
} as const;

interface CachedReport {
  expiresAt: number;
  report: Promise<TransparencyReport>;
}

export async function transparencyApi(app: FastifyInstance, options: TransparencyApiOptions) {
  const cache = new Map<number, CachedReport>();

  function report(months: number): Promise<TransparencyReport> {
    const now = Date.now();
    const cached = cache.get(months);
    if (cached && cached.expiresAt > now) return cached.report;
    const fresh = transparencyReport(options.prisma, options.knowledge(), {
      months,
      minGroup: options.minGroup,
      timeZone: options.timeZone,
    });
    cache.set(months, { expiresAt: now + TRANSPARENCY_CACHE_SECONDS * 1000, report: fresh });
    // A failed query is not kept: the next request tries again.
    fresh.catch(() => cache.delete(months));
    return fresh;
  }

  app.get<{ Querystring: { months: number } }>(
    "/api/public/transparency",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { months: { type: "integer", minimum: 1, maximum: MAX_MONTHS, default: 12 } },
        },
        response: { 200: reportSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await report(request.query.months);
      reply.header("cache-control", `public, max-age=${TRANSPARENCY_CACHE_SECONDS}`);
      return { ...result, generatedAt: result.generatedAt.toISOString() };
    },
  );
}
