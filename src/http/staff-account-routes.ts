// Staff logins and accounts: POST /api/staff/login, /logout, GET /me, POST /accounts (admin).
import type { FastifyInstance } from "fastify";
import type { Cases } from "../cases/cases.ts";
import type { PrismaClient } from "../db/database.ts";
import { createStaffAccount } from "../staff/accounts.ts";
import { ROLES } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { sendAccountError } from "./account-error.ts";
import { errorResponseSchema } from "./error-schema.ts";
import { HttpError } from "./error-handler.ts";
import { type LoginThrottle, lockedOutMessage } from "./login-throttle.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { staffErrorResponses, staffSchema } from "./staff-schemas.ts";

interface LoginBody {
  username: string;
  password: string;
}

interface NewAccountBody {
  username: string;
  password: string;
  displayName: string;
  role: string;
  departmentCode?: string;
}

export interface StaffAccountRoutesOptions {
  prisma: PrismaClient;
  /** Logins, and the department codes a new account may belong to. */
  cases: Pick<Cases, "sessions" | "knowledge">;
  /** Lockout after repeated failed logins; absent when RATE_LIMIT=off. */
  loginThrottle?: LoginThrottle;
}

export async function staffAccountRoutes(
  app: FastifyInstance,
  { prisma, cases, loginThrottle }: StaffAccountRoutesOptions,
) {
  const authenticated = { onRequest: requireStaff(cases.sessions) };

  app.post<{ Body: LoginBody }>(
    "/login",
    {
      schema: {
        body: {
          type: "object",
          required: ["username", "password"],
          additionalProperties: false,
          properties: {
            username: { type: "string", minLength: 1, maxLength: 64 },
            password: { type: "string", minLength: 1, maxLength: 256 },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["token", "expiresAt", "staff"],
            properties: {
              token: { type: "string" },
              expiresAt: { type: "string", format: "date-time" },
              staff: staffSchema,
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      // Checked before the password, so a locked account tells nothing about a guess.
      const wait = await loginThrottle?.lockedFor(username, request.ip);
      if (wait !== undefined) {
        reply.header("retry-after", wait);
        throw new HttpError(429, lockedOutMessage(wait));
      }
      const session = await cases.sessions.login(username, password, request.ip);
      if (!session) {
        await loginThrottle?.failed(username, request.ip);
        throw new HttpError(401, "Wrong username or password");
      }
      await loginThrottle?.succeeded(username);
      const { id: _id, ...staff } = session.staff;
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), staff };
    },
  );

  app.post(
    "/logout",
    {
      ...authenticated,
      schema: {
        response: {
          200: { type: "object", required: ["ok"], properties: { ok: { type: "boolean" } } },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      await cases.sessions.logout(request.staffToken!, staffOf(request));
      return { ok: true };
    },
  );

  app.get(
    "/me",
    { ...authenticated, schema: { response: { 200: staffSchema, ...staffErrorResponses } } },
    async (request) => {
      const { id: _id, ...staff } = staffOf(request);
      return staff;
    },
  );

  app.post<{ Body: NewAccountBody }>(
    "/accounts",
    {
      ...authenticated,
      schema: {
        body: {
          type: "object",
          required: ["username", "password", "displayName", "role"],
          additionalProperties: false,
          properties: {
            username: { type: "string" },
            password: { type: "string" },
            displayName: { type: "string", minLength: 1 },
            role: { type: "string", enum: [...ROLES] },
            departmentCode: { type: "string" },
          },
        },
        response: { 201: staffSchema, ...staffErrorResponses, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const admin = staffOf(request);
      if (admin.role !== "admin") throw new HttpError(403, "Only an admin may create staff accounts");
      try {
        const account = await createStaffAccount(prisma, request.body, cases.knowledge().departments.codes);
        await recordStaffAudit(prisma, admin, "create_account", account.username, {
          role: account.role,
          departmentCode: account.departmentCode,
        });
        const { id: _id, ...shown } = account;
        return reply.status(201).send(shown);
      } catch (error) {
        return sendAccountError(reply, error);
      }
    },
  );
}
