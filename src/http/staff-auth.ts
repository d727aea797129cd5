// Staff requests carry "Authorization: Bearer <session token>". This hook resolves
// the token to the member of staff (401 without a live session).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { StaffSessions } from "../staff/sessions.ts";
import { departmentScope, type StaffPrincipal } from "../staff/roles.ts";
import { bearerToken } from "./bearer-token.ts";
import { HttpError } from "./error-handler.ts";

declare module "fastify" {
  interface FastifyRequest {
    staff?: StaffPrincipal;
    staffToken?: string;
  }
}

export function requireStaff(sessions: Pick<StaffSessions, "authenticate">) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearerToken(request);
    if (!token) throw new HttpError(401, "Log in first: send Authorization: Bearer <token> from POST /api/staff/login");
    const staff = await sessions.authenticate(token);
    if (!staff) throw new HttpError(401, "The session has expired or was ended; log in again");
    request.staff = staff;
    request.staffToken = token;
  };
}

/** The authenticated member of staff (the hook ran). */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new HttpError(401, "not logged in");
  return request.staff;
}

/**
 * The department a listing is limited to: a department member's own whatever they asked
 * (asking for another is a 403), else the one asked for, if any. One rule for every route
 * that takes ?department= (tickets, inbox, KPIs, reply templates).
 */
export function departmentFilter(staff: StaffPrincipal, asked: string | undefined): string | undefined {
  const scope = departmentScope(staff);
  if (scope !== undefined && asked !== undefined && asked !== scope)
    throw new HttpError(403, `Department staff see only their own department (${scope})`);
  return scope ?? asked;
}
