// The department API under /api/staff (README: "Department API").
import type { FastifyInstance } from "fastify";
import type { Hub } from "../hub.ts";
import { staffAccountRoutes } from "./staff-account-routes.ts";
import { staffKpiRoutes } from "./staff-kpi-routes.ts";
import { staffTicketRoutes } from "./staff-ticket-routes.ts";

export async function staffApi(app: FastifyInstance, { hub }: { hub: Hub }) {
  await app.register(staffAccountRoutes, { hub, prefix: "/api/staff" });
  await app.register(staffTicketRoutes, { hub, prefix: "/api/staff" });
  await app.register(staffKpiRoutes, { hub, prefix: "/api/staff" });
}
