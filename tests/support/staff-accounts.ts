// Staff accounts and logins for HTTP tests of the department API.
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import type { Hub } from "../../src/hub.ts";
import { createStaffAccount } from "../../src/staff/accounts.ts";

export const PASSWORD = "correct horse battery";

export const STAFF = [
  { username: "admin", role: "admin", displayName: "管理员" },
  { username: "supervisor", role: "supervisor", displayName: "督办员" },
  { username: "cg.zhang", role: "staff", departmentCode: "CG", displayName: "张三" },
  { username: "ga.li", role: "staff", departmentCode: "GA", displayName: "李四" },
];

export async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({ method: "POST", url: "/api/staff/login", payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

/** One account of every role, two departments' staff among them. */
export const EVERY_ROLE = [...STAFF, { username: "dispatcher", role: "dispatcher", displayName: "派单员" }];

/** Creates the STAFF accounts and logs each in; returns a request helper per username. */
export async function staffClients(hub: Hub, app: FastifyInstance, accounts = STAFF) {
  const tokens: Record<string, string> = {};
  const departments = hub.cases.knowledge().departments.codes;
  for (const a of accounts) {
    await createStaffAccount(hub.db.prisma, { ...a, password: PASSWORD }, departments);
    tokens[a.username] = await login(app, a.username);
  }
  const headers = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  return {
    tokens,
    get: (who: string, url: string) => app.inject({ method: "GET", url, headers: headers(who) }),
    send: (who: string, method: "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: object) =>
      app.inject({ method, url, headers: headers(who), ...(payload && { payload }) }),
  };
}
