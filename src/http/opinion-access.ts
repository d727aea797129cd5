// Who may use the opinion hub's API: a logged-in member of staff (401 otherwise, as in the
// staff API) whose role reads the hub — analysts, supervisors, admins (403 otherwise).
import type { FastifyRequest } from "fastify";
import { mayImportOpinion, mayReadOpinion, type StaffPrincipal } from "../staff/roles.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";

export function requireOpinionReader(sessions: Pick<StaffSessions, "authenticate">) {
  const authenticate = requireStaff(sessions);
  return async (request: FastifyRequest, reply: Parameters<typeof authenticate>[1]) => {
    await authenticate(request, reply);
    if (!mayReadOpinion(staffOf(request))) throw new HttpError(403, "民意洞察仅向舆情分析员、督办人员和管理员开放。");
  };
}

/** The analyst or admin importing history (after requireOpinionReader). */
export function opinionImporter(request: FastifyRequest): StaffPrincipal {
  const staff = staffOf(request);
  if (!mayImportOpinion(staff)) throw new HttpError(403, "只有舆情分析员和管理员可以导入历史数据。");
  return staff;
}
