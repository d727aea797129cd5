// Account administration in the department API (src/staff/account-admin.ts):
// POST /password (a member's own), and for admins GET /accounts, PATCH /accounts/:username,
// POST /accounts/:username/reset-password. Every change is in the staff audit log.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Cases } from "../cases/cases.ts";
import type { PrismaClient } from "../db/database.ts";
import {
  type AccountChanges,
  changeOwnPassword,
  listAccounts,
  resetPassword,
  type StaffAccountView,
  updateAccount,
} from "../staff/account-admin.ts";
import { ROLES, type StaffPrincipal } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { sendAccountError } from "./account-error.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { staffErrorResponses, staffSchema } from "./staff-schemas.ts";

export interface StaffAccountAdminRoutesOptions {
  prisma: PrismaClient;
  /** Sessions, and the department codes an account may belong to. */
  cases: Pick<Cases, "sessions" | "knowledge">;
}

const accountSchema = {
  type: "object",
  required: [...staffSchema.required, "active", "createdAt"],
  properties: {
    ...staffSchema.properties,
    active: { type: "boolean" },
    createdAt: { type: "string", format: "date-time" },
  },
} as const;

const usernameParams = {
  type: "object",
  required: ["username"],
  properties: { username: { type: "string", minLength: 1, maxLength: 64 } },
} as const;

const okSchema = {
  type: "object",
  required: ["ok", "sessionsEnded"],
  properties: { ok: { type: "boolean" }, sessionsEnded: { type: "integer" } },
} as const;

const errors = { ...staffErrorResponses, 404: staffErrorResponses[400] } as const;

/** Roles may only be managed by admins. */
function adminOf(request: FastifyRequest): StaffPrincipal {
  const staff = staffOf(request);
  if (staff.role !== "admin") throw new HttpError(403, "只有管理员可以管理账号。");
  return staff;
}

const shown = (a: StaffAccountView) => ({ ...a, createdAt: a.createdAt.toISOString() });

export async function staffAccountAdminRoutes(app: FastifyInstance, { prisma, cases }: StaffAccountAdminRoutesOptions) {
  const authenticated = { onRequest: requireStaff(cases.sessions) };

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    "/password",
    {
      ...authenticated,
      schema: {
        body: {
          type: "object",
          required: ["currentPassword", "newPassword"],
          additionalProperties: false,
          properties: {
            currentPassword: { type: "string", minLength: 1, maxLength: 256 },
            newPassword: { type: "string", maxLength: 256 },
          },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      try {
        const { sessionsEnded } = await changeOwnPassword(prisma, staff, {
          ...request.body,
          currentToken: request.staffToken!,
        });
        await recordStaffAudit(prisma, staff, "change_password", staff.username, { sessionsEnded });
        return { ok: true, sessionsEnded };
      } catch (error) {
        return sendAccountError(reply, error);
      }
    },
  );

  app.get(
    "/accounts",
    {
      ...authenticated,
      schema: {
        response: {
          200: {
            type: "object",
            required: ["accounts"],
            properties: { accounts: { type: "array", items: accountSchema } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const admin = adminOf(request);
      const accounts = await listAccounts(prisma);
      await recordStaffAudit(prisma, admin, "list_accounts");
      return { accounts: accounts.map(shown) };
    },
  );

  app.patch<{ Params: { username: string }; Body: AccountChanges }>(
    "/accounts/:username",
    {
      ...authenticated,
      schema: {
        params: usernameParams,
        body: {
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          properties: {
            displayName: { type: "string", minLength: 1, maxLength: 64 },
            role: { type: "string", enum: [...ROLES] },
            departmentCode: { type: ["string", "null"], minLength: 1 },
            active: { type: "boolean" },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["account", "sessionsEnded"],
            properties: { account: accountSchema, sessionsEnded: { type: "integer" } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      try {
        const departments = cases.knowledge().departments.codes;
        const result = await updateAccount(prisma, request.params.username, request.body, departments);
        await recordStaffAudit(prisma, admin, "update_account", request.params.username, {
          changes: request.body,
          sessionsEnded: result.sessionsEnded,
        });
        return { account: shown(result.account), sessionsEnded: result.sessionsEnded };
      } catch (error) {
        return sendAccountError(reply, error);
      }
    },
  );

  app.post<{ Params: { username: string }; Body: { newPassword: string } }>(
    "/accounts/:username/reset-password",
    {
      ...authenticated,
      schema: {
        params: usernameParams,
        body: {
          type: "object",
          required: ["newPassword"],
          additionalProperties: false,
          properties: { newPassword: { type: "string", maxLength: 256 } },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      try {
        const { sessionsEnded } = await resetPassword(prisma, request.params.username, request.body.newPassword);
        // The password itself is never logged or audited.
        await recordStaffAudit(prisma, admin, "reset_password", request.params.username, { sessionsEnded });
        return { ok: true, sessionsEnded };
      } catch (error) {
        return sendAccountError(reply, error);
      }
    },
  );
}
