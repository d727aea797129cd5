// The unanswered-question report as JSON (src/conversation/unanswered-report.ts), with the
// closest item's name from the catalog now serving: one answer for the token-protected
// GET /api/admin/unanswered and for staff admins' GET /api/staff/admin/unanswered.
import { unansweredReport } from "../conversation/unanswered-report.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Catalog } from "../knowledge/catalog-schema.ts";

export interface UnansweredQuery {
  days: number;
  limit: number;
}

export const unansweredQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    /** How far back to look. */
    days: { type: "integer", minimum: 1, maximum: 366, default: 30 },
    /** How many groups to return. */
    limit: { type: "integer", minimum: 1, maximum: 500, default: 20 },
  },
} as const;

export const unansweredSchema = {
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

export async function unansweredAnswer(prisma: PrismaClient, query: UnansweredQuery, catalog: Catalog) {
  const since = new Date(Date.now() - query.days * 24 * 60 * 60 * 1000);
  const report = await unansweredReport(prisma, { since, limit: query.limit });
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
}
