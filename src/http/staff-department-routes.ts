// The departments staff pick from (转办, 改派, accounts): GET /api/staff/departments, from
// the knowledge snapshot serving now (intents/departments.yaml), so a reload shows at once.
// Any logged-in member of staff; names and codes only, nothing personal. A disabled
// department (停用) is listed with disabled: true, for its tickets' names; pickers leave it out.
import type { FastifyInstance } from "fastify";
import type { Cases } from "../cases/cases.ts";
import { requireStaff } from "./staff-auth.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

export interface StaffDepartmentRoutesOptions {
  cases: Pick<Cases, "sessions" | "knowledge">;
}

export async function staffDepartmentRoutes(app: FastifyInstance, { cases }: StaffDepartmentRoutesOptions) {
  app.addHook("onRequest", requireStaff(cases.sessions));
  app.get(
    "/departments",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["departments", "dispatcher"],
            properties: {
              departments: {
                type: "array",
                items: {
                  type: "object",
                  required: ["code", "name"],
                  properties: { code: { type: "string" }, name: { type: "string" }, disabled: { type: "boolean" } },
                },
              },
              /** The dispatch centre (派单中心): where unrouted and returned tickets go. */
              dispatcher: { type: "string" },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async () => {
      const { departments } = cases.knowledge();
      return {
        departments: departments.list.map((d) => ({
          code: d.code,
          name: d.name,
          ...(d.disabled && { disabled: true }),
        })),
        dispatcher: departments.dispatcher,
      };
    },
  );
}
