// The dispatch centre's 并案 suggestions: GET /api/staff/merge-suggestions lists open
// tickets the duplicate finder takes for repeats of an earlier case; confirming one is
// the ordinary merge action; POST /api/staff/merge-suggestions/dismiss keeps a pair
// apart (不并案) so it is not suggested again. For the roles that may merge.
import type { FastifyInstance } from "fastify";
import type { Cases } from "../cases/cases.ts";
import { findMergeSuggestions } from "../cases/merge-suggestions.ts";
import type { PrismaClient } from "../db/database.ts";
import { actorOf, roleMay, type StaffPrincipal } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

export interface StaffDispatchRoutesOptions {
  prisma: PrismaClient;
  cases: Pick<Cases, "sessions" | "duplicates">;
  /** CASE_DUPLICATE_WINDOW_HOURS: how far back suggestions look. */
  workbench: { duplicateWindowHours: number };
}

const ticketNumber = { type: "string", pattern: "^GD\\d{8}-\\d{6,}$" } as const;

export async function staffDispatchRoutes(
  app: FastifyInstance,
  { prisma, cases, workbench }: StaffDispatchRoutesOptions,
) {
  app.addHook("onRequest", requireStaff(cases.sessions));

  function mustMerge(staff: StaffPrincipal) {
    if (!roleMay(staff, "merge")) throw new HttpError(403, `A ${staff.role} may not merge tickets`);
  }

  app.get<{ Querystring: { limit: number } }>(
    "/merge-suggestions",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { limit: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
        },
        response: {
          200: {
            type: "object",
            required: ["suggestions"],
            properties: {
              suggestions: {
                type: "array",
                items: {
                  type: "object",
                  required: ["childNumber", "parentNumber", "score", "why"],
                  properties: {
                    childNumber: { type: "string" },
                    parentNumber: { type: "string" },
                    score: { type: "number" },
                    why: { type: "string" },
                    childDepartmentCode: { type: ["string", "null"] },
                    parentDepartmentCode: { type: ["string", "null"] },
                    childStatus: { type: "string" },
                    parentStatus: { type: "string" },
                  },
                },
              },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      mustMerge(staff);
      const suggestions = await findMergeSuggestions(prisma, cases.duplicates, {
        windowHours: workbench.duplicateWindowHours,
        limit: request.query.limit,
      });
      await recordStaffAudit(prisma, staff, "view_merge_suggestions", undefined, { count: suggestions.length });
      return {
        suggestions: suggestions.map((s) => ({
          childNumber: s.child.number,
          parentNumber: s.parent.number,
          score: Math.round(s.score * 1000) / 1000,
          why: s.why,
          childDepartmentCode: s.child.departmentCode,
          parentDepartmentCode: s.parent.departmentCode,
          childStatus: s.child.status,
          parentStatus: s.parent.status,
        })),
      };
    },
  );

  app.post<{ Body: { childNumber: string; parentNumber: string } }>(
    "/merge-suggestions/dismiss",
    {
      schema: {
        body: {
          type: "object",
          required: ["childNumber", "parentNumber"],
          additionalProperties: false,
          properties: { childNumber: ticketNumber, parentNumber: ticketNumber },
        },
        response: {
          200: {
            type: "object",
            required: ["childNumber", "parentNumber", "dismissed"],
            properties: {
              childNumber: { type: "string" },
              parentNumber: { type: "string" },
              dismissed: { type: "boolean" },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      mustMerge(staff);
      const { childNumber, parentNumber } = request.body;
      if (childNumber === parentNumber) throw new HttpError(400, "childNumber and parentNumber are the same ticket");
      const [child, parent] = await Promise.all(
        [childNumber, parentNumber].map((number) =>
          prisma.ticket.findUnique({ where: { number }, select: { id: true } }),
        ),
      );
      if (!child) throw new HttpError(404, `No ticket numbered ${childNumber}`);
      if (!parent) throw new HttpError(404, `No ticket numbered ${parentNumber}`);
      // Idempotent: dismissing a pair twice keeps the first decision.
      await prisma.mergeDismissal.upsert({
        where: { childId_parentId: { childId: child.id, parentId: parent.id } },
        create: { childId: child.id, parentId: parent.id, actor: actorOf(staff) },
        update: {},
      });
      await recordStaffAudit(prisma, staff, "dismiss_merge_suggestion", childNumber, { parentNumber });
      return { childNumber, parentNumber, dismissed: true };
    },
  );
}
