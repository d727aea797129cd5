// The department API under /api/staff (README: "Department API").
import type { FastifyInstance } from "fastify";
import { staffAccountAdminRoutes } from "./staff-account-admin-routes.ts";
import { type StaffAccountRoutesOptions, staffAccountRoutes } from "./staff-account-routes.ts";
import { type StaffKpiRoutesOptions, staffKpiRoutes } from "./staff-kpi-routes.ts";
import { staffReplyTemplateRoutes } from "./staff-reply-template-routes.ts";
import { type StaffTicketRoutesOptions, staffTicketRoutes } from "./staff-ticket-routes.ts";
import { type StaffInboxRoutesOptions, staffInboxRoutes } from "./staff-inbox-routes.ts";
import { type StaffDispatchRoutesOptions, staffDispatchRoutes } from "./staff-dispatch-routes.ts";
import { type StaffSupervisionRoutesOptions, staffSupervisionRoutes } from "./staff-supervision-routes.ts";
import { type StaffDepartmentRoutesOptions, staffDepartmentRoutes } from "./staff-department-routes.ts";
import { type StaffHandoffRoutesOptions, staffHandoffRoutes } from "./staff-handoff-routes.ts";

/** What the parts of the department API use, together. */
export type StaffApiOptions = StaffAccountRoutesOptions &
  StaffTicketRoutesOptions &
  StaffKpiRoutesOptions &
  StaffInboxRoutesOptions &
  StaffDispatchRoutesOptions &
  StaffSupervisionRoutesOptions &
  StaffDepartmentRoutesOptions &
  StaffHandoffRoutesOptions;

export async function staffApi(app: FastifyInstance, options: StaffApiOptions) {
  const { prisma, cases, timeZone, loginThrottle, workbench, agents } = options;
  await app.register(staffAccountRoutes, { prisma, cases, loginThrottle, prefix: "/api/staff" });
  await app.register(staffAccountAdminRoutes, { prisma, cases, prefix: "/api/staff" });
  await app.register(staffTicketRoutes, { prisma, cases, timeZone, workbench, prefix: "/api/staff" });
  await app.register(staffInboxRoutes, { prisma, cases, timeZone, workbench, prefix: "/api/staff" });
  await app.register(staffDispatchRoutes, { prisma, cases, workbench, prefix: "/api/staff" });
  await app.register(staffSupervisionRoutes, { prisma, cases, prefix: "/api/staff" });
  await app.register(staffDepartmentRoutes, { cases, prefix: "/api/staff" });
  await app.register(staffKpiRoutes, { prisma, cases, timeZone, prefix: "/api/staff" });
  await app.register(staffReplyTemplateRoutes, { prisma, cases, prefix: "/api/staff" });
  await app.register(staffHandoffRoutes, { prisma, cases, agents, prefix: "/api/staff" });
}
