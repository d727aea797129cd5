// Departments for staff admins, under /api/staff/admin (intents/departments.yaml):
//   GET    /departments          every department with its fields and how many tickets,
//                                accounts, rules and items refer to it
//   POST   /departments          {code, name, phone?, domains, keywords}: a new department
//   PATCH  /departments/:code    any of {name, phone, domains, keywords, disabled}
//   DELETE /departments/:code    only one nothing refers to; one with tickets is disabled instead
// Each change edits the file, reloads the knowledge (the file is put back if the reload is
// rejected) and is recorded in the staff audit. Checks against the snapshot come first, with
// a Chinese 400, and then the file is not touched.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import {
  addDepartment,
  type DepartmentFields,
  departmentProblem,
  departmentReferences,
  removeDepartment,
  updateDepartment,
} from "../knowledge/department-edits.ts";
import type { IntentsEditor } from "../knowledge/intents-editor.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { HttpError } from "./error-handler.ts";
import { adminOf as adminWith, applyEdit, editErrors, snapshotOf, snapshotSchema } from "./staff-admin-edit.ts";
import { requireStaff } from "./staff-auth.ts";

export interface StaffAdminDepartmentRoutesOptions {
  prisma: PrismaClient;
  sessions: Pick<StaffSessions, "authenticate">;
  knowledge(): Pick<Knowledge, "departments" | "caseRules" | "catalog">;
  editor: IntentsEditor;
}

export const DEPARTMENT_CODE_PATTERN = "^[A-Z][A-Z0-9]{1,9}$";
const words = { type: "array", maxItems: 300, items: { type: "string", minLength: 1, maxLength: 40 } } as const;
const fieldProperties = {
  name: { type: "string", minLength: 1, maxLength: 60, pattern: "\\S" },
  phone: { type: ["string", "null"], maxLength: 30, pattern: "^$|^[0-9+][0-9 ()+-]*$" },
  domains: words,
  keywords: words,
  disabled: { type: "boolean" },
} as const;
const codeParams = {
  type: "object",
  required: ["code"],
  properties: { code: { type: "string", pattern: DEPARTMENT_CODE_PATTERN } },
} as const;

const departmentSchema = {
  type: "object",
  required: ["code", "name", "domains", "keywords", "disabled"],
  properties: {
    code: { type: "string" },
    name: { type: "string" },
    phone: { type: "string" },
    domains: { type: "array", items: { type: "string" } },
    keywords: { type: "array", items: { type: "string" } },
    disabled: { type: "boolean" },
  },
} as const;
const changedSchema = {
  type: "object",
  required: ["department", ...snapshotSchema.required],
  properties: { department: departmentSchema, ...snapshotSchema.properties },
} as const;

type Fields = Partial<DepartmentFields>;

const adminOf = (request: FastifyRequest) => adminWith(request, "只有管理员可以维护部门。");

export async function staffAdminDepartmentRoutes(app: FastifyInstance, options: StaffAdminDepartmentRoutesOptions) {
  const { prisma, knowledge, editor } = options;
  app.addHook("onRequest", requireStaff(options.sessions));

  const find = (code: string) => knowledge().departments.list.find((d) => d.code === code);
  const view = (code: string) => {
    const d = find(code)!;
    return {
      code: d.code,
      name: d.name,
      ...(d.phone && { phone: d.phone }),
      domains: d.domains,
      keywords: d.keywords,
      disabled: d.disabled ?? false,
    };
  };
  const checked = (code: string, fields: DepartmentFields) => {
    const problem = departmentProblem(knowledge(), code, fields);
    if (problem) throw new HttpError(400, problem);
    return fields;
  };

  app.get(
    "/departments",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["dispatcher", "departments", "domains"],
            properties: {
              dispatcher: { type: "string" },
              departments: {
                type: "array",
                items: {
                  ...departmentSchema,
                  required: [...departmentSchema.required, "tickets", "accounts", "rules", "items"],
                  properties: {
                    ...departmentSchema.properties,
                    tickets: { type: "integer" },
                    accounts: { type: "integer" },
                    /** Ids of the routing rules that send complaints to it. */
                    rules: { type: "array", items: { type: "string" } },
                    /** How many service items name it. */
                    items: { type: "integer" },
                  },
                },
              },
              /** The complaint domains (领域) the catalog knows, for suggestions. */
              domains: { type: "array", items: { type: "string" } },
            },
          },
          ...editErrors,
        },
      },
    },
    async (request) => {
      adminOf(request);
      const k = knowledge();
      const [tickets, accounts] = await Promise.all([
        prisma.ticket.groupBy({ by: ["departmentCode"], _count: { _all: true } }),
        prisma.staffAccount.groupBy({ by: ["departmentCode"], _count: { _all: true } }),
      ]);
      const countOf = (rows: { departmentCode: string | null; _count: { _all: number } }[], code: string) =>
        rows.find((r) => r.departmentCode === code)?._count._all ?? 0;
      const domains = new Set([
        ...k.caseRules.categories.map((c) => c.domain),
        ...k.departments.list.flatMap((d) => d.domains),
      ]);
      return {
        dispatcher: k.departments.dispatcher,
        departments: k.departments.list.map((d) => {
          const references = departmentReferences(k, d.code);
          return {
            ...view(d.code),
            tickets: countOf(tickets, d.code),
            accounts: countOf(accounts, d.code),
            rules: references.rules,
            items: references.items.length,
          };
        }),
        domains: [...domains],
      };
    },
  );

  app.post<{ Body: DepartmentFields & { code: string } }>(
    "/departments",
    {
      schema: {
        body: {
          type: "object",
          required: ["code", "name"],
          additionalProperties: false,
          properties: {
            code: { type: "string", pattern: DEPARTMENT_CODE_PATTERN },
            ...fieldProperties,
            domains: { ...words, default: [] },
            keywords: { ...words, default: [] },
          },
        },
        response: { 201: changedSchema, ...editErrors },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const { code, ...fields } = request.body;
      if (find(code)) throw new HttpError(409, `已有代码为 ${code} 的部门。`);
      checked(code, fields);
      const accepted = await applyEdit(editor, reply, (dir) => addDepartment(dir, code, fields), "body.code");
      if (!accepted) return reply;
      await recordStaffAudit(prisma, admin, "create_department", code, { name: fields.name });
      return reply.status(201).send({ department: view(code), ...snapshotOf(accepted.result) });
    },
  );

  app.patch<{ Params: { code: string }; Body: Fields }>(
    "/departments/:code",
    {
      schema: {
        params: codeParams,
        body: { type: "object", additionalProperties: false, minProperties: 1, properties: fieldProperties },
        response: { 200: changedSchema, ...editErrors },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const { code } = request.params;
      const current = find(code);
      if (!current) throw new HttpError(404, `没有代码为 ${code} 的部门。`);
      const fields = checked(code, {
        name: request.body.name ?? current.name,
        phone: request.body.phone === undefined ? current.phone : request.body.phone,
        domains: request.body.domains ?? current.domains,
        keywords: request.body.keywords ?? current.keywords,
        disabled: request.body.disabled ?? current.disabled ?? false,
      });
      const accepted = await applyEdit(editor, reply, (dir) => updateDepartment(dir, code, fields), "params.code");
      if (!accepted) return reply;
      await recordStaffAudit(prisma, admin, "update_department", code, { changed: Object.keys(request.body) });
      return { department: view(code), ...snapshotOf(accepted.result) };
    },
  );

  app.delete<{ Params: { code: string } }>(
    "/departments/:code",
    {
      schema: {
        params: codeParams,
        response: {
          200: {
            type: "object",
            required: ["code", ...snapshotSchema.required],
            properties: { code: { type: "string" }, ...snapshotSchema.properties },
          },
          ...editErrors,
        },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const { code } = request.params;
      if (!find(code)) throw new HttpError(404, `没有代码为 ${code} 的部门。`);
      const references = departmentReferences(knowledge(), code);
      const [tickets, accounts, templates] = await Promise.all([
        prisma.ticket.count({ where: { departmentCode: code } }),
        prisma.staffAccount.count({ where: { departmentCode: code } }),
        prisma.replyTemplate.count({ where: { departmentCode: code } }),
      ]);
      const reasons = [
        references.dispatcher && "它是派单中心",
        tickets > 0 && `有 ${tickets} 件工单`,
        accounts > 0 && `有 ${accounts} 个工作人员账号`,
        templates > 0 && `有 ${templates} 条常用语`,
        references.rules.length > 0 && `派单规则 ${references.rules.join("、")} 分派到它`,
        references.items.length > 0 && `事项 ${references.items.join("、")} 属于它`,
      ].filter(Boolean);
      if (reasons.length > 0) throw new HttpError(409, `不能删除该部门：${reasons.join("；")}。不再使用的部门请停用。`);
      const accepted = await applyEdit(editor, reply, (dir) => removeDepartment(dir, code), "params.code");
      if (!accepted) return reply;
      await recordStaffAudit(prisma, admin, "delete_department", code);
      return { code, ...snapshotOf(accepted.result) };
    },
  );
}
