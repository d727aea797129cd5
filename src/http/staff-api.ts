// The department API under /api/staff (README: "Department API").
import type { FastifyInstance } from "fastify";
import { type StaffAccountRoutesOptions, staffAccountRoutes } from "./staff-account-routes.ts";
import { type StaffKpiRoutesOptions, staffKpiRoutes } from "./staff-kpi-routes.ts";
import { type StaffTicketRoutesOptions, staffTicketRoutes } from "./staff-ticket-routes.ts";
import { staffInboxRoutes } from "./staff-inbox-routes.ts";

/** What the three parts of the department API use, together. */
export type StaffApiOptions = StaffAccountRoutesOptions & StaffTicketRoutesOptions & StaffKpiRoutesOptions;

export async function staffApi(app: FastifyInstance, options: StaffApiOptions) {
  const { prisma, cases, timeZone, loginThrottle, workbench } = options;
  await app.register(staffAccountRoutes, { prisma, cases, loginThrottle, prefix: "/api/staff" });
  await app.register(staffTicketRoutes, { prisma, cases, timeZone, workbench, prefix: "/api/staff" });
  await app.register(staffInboxRoutes, { prisma, cases, timeZone, workbench, prefix: "/api/staff" });
  await app.register(staffKpiRoutes, { prisma, cases, timeZone, prefix: "/api/staff" });
}
