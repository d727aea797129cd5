// Routing rules for staff admins, under /api/staff/admin (intents/routing-rules.yaml):
//   GET    /routing-rules          the rules in order, with the departments, categories,
//                                  districts and domains a rule may name
//   POST   /routing-rules          {id, department, domains?, categories?, keywords?, districts?, position?}
//   PUT    /routing-rules/:id      the rule's department and conditions (its id and place stay)
//   DELETE /routing-rules/:id
//   POST   /routing-rules/order    {ids}: every rule's id once, in the new order
// Each change edits the file, reloads the knowledge, so the next complaint is routed by the
// new rules (the file is put back if the reload is rejected), and is recorded in the staff
// audit. A rule naming an unknown or disabled department, category or district is a Chinese
// 400 and the file is not touched.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import type { RoutingRule } from "../knowledge/case-rules-schema.ts";
import type { IntentsEditor } from "../knowledge/intents-editor.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import {
  addRule,
  CONDITIONS,
  cleanRule,
  isOrderOf,
  type RuleFields,
  removeRule,
  reorderRules,
  ruleProblem,
  updateRule,
} from "../knowledge/routing-rule-edits.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { HttpError } from "./error-handler.ts";
import { adminOf as adminWith, applyEdit, editErrors, snapshotOf, snapshotSchema } from "./staff-admin-edit.ts";
import { requireStaff } from "./staff-auth.ts";

export interface StaffAdminRoutingRuleRoutesOptions {
  prisma: PrismaClient;
  sessions: Pick<StaffSessions, "authenticate">;
  knowledge(): Pick<Knowledge, "departments" | "caseRules">;
  editor: IntentsEditor;
}

const RULE_ID_PATTERN = "^[a-z0-9][a-z0-9-]{0,63}$";
const words = { type: "array", maxItems: 100, items: { type: "string", minLength: 1, maxLength: 40 } } as const;
const ruleFieldProperties = {
  department: { type: "string", minLength: 1, maxLength: 20 },
  ...Object.fromEntries(CONDITIONS.map((key) => [key, words])),
} as Record<string, object>;
const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: RULE_ID_PATTERN } },
} as const;

const ruleSchema = {
  type: "object",
  required: ["id", "department"],
  properties: {
    id: { type: "string" },
    department: { type: "string" },
    ...Object.fromEntries(CONDITIONS.map((key) => [key, { type: "array", items: { type: "string" } }])),
  },
};
const changedSchema = {
  type: "object",
  required: ["rule", ...snapshotSchema.required],
  properties: { rule: ruleSchema, ...snapshotSchema.properties },
};
const snapshotAnswer = {
  type: "object",
  required: [...snapshotSchema.required],
  properties: snapshotSchema.properties,
};
const codeAndName = {
  type: "array",
  items: {
    type: "object",
    required: ["code", "name"],
    properties: { code: { type: "string" }, name: { type: "string" }, disabled: { type: "boolean" } },
  },
} as const;

const adminOf = (request: FastifyRequest) => adminWith(request, "只有管理员可以维护派单规则。");

export async function staffAdminRoutingRuleRoutes(app: FastifyInstance, options: StaffAdminRoutingRuleRoutesOptions) {
  const { prisma, knowledge, editor } = options;
  app.addHook("onRequest", requireStaff(options.sessions));

  const checked = (body: RuleFields): RuleFields => {
    const rule = cleanRule(body);
    const problem = ruleProblem(knowledge(), rule);
    if (problem) throw new HttpError(400, problem);
    return rule;
  };
  const known = (id: string) => knowledge().caseRules.rules.some((r) => r.id === id);

  app.get(
    "/routing-rules",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["rules", "departments", "categories", "districts", "domains"],
            properties: {
              /** In order: among equally specific rules the first listed wins. */
              rules: { type: "array", items: ruleSchema },
              departments: codeAndName,
              categories: codeAndName,
              districts: { type: "array", items: { type: "string" } },
              domains: { type: "array", items: { type: "string" } },
            },
          },
          ...editErrors,
        },
      },
    },
    async (request) => {
      adminOf(request);
      const { caseRules, departments } = knowledge();
      return {
        rules: caseRules.rules,
        departments: departments.list.map((d) => ({
          code: d.code,
          name: d.name,
          ...(d.disabled && { disabled: true }),
        })),
        categories: caseRules.categories.map((c) => ({ code: c.code, name: c.name })),
        districts: caseRules.districts,
        domains: [...new Set(caseRules.categories.map((c) => c.domain))],
      };
    },
  );

  app.post<{ Body: RuleFields & { id: string; position?: number } }>(
    "/routing-rules",
    {
      schema: {
        body: {
          type: "object",
          required: ["id", "department"],
          additionalProperties: false,
          properties: {
            id: { type: "string", pattern: RULE_ID_PATTERN },
            ...ruleFieldProperties,
            /** Where it goes in the list, 0 = first; default last. */
            position: { type: "integer", minimum: 0 },
          },
        },
        response: { 201: changedSchema, ...editErrors },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const { id, position, ...fields } = request.body;
      if (known(id)) throw new HttpError(409, `已有编号为 ${id} 的派单规则。`);
      const rule = checked(fields);
      const accepted = await applyEdit(editor, reply, (dir) => addRule(dir, id, rule, position), "body.id");
      if (!accepted) return reply;
      await recordStaffAudit(prisma, admin, "create_routing_rule", id, { rule, position });
      return reply.status(201).send({ rule: { id, ...rule }, ...snapshotOf(accepted.result) });
    },
  );

  app.put<{ Params: { id: string }; Body: RuleFields }>(
    "/routing-rules/:id",
    {
      schema: {
        params: idParams,
        body: {
          type: "object",
          required: ["department"],
          additionalProperties: false,
          properties: ruleFieldProperties,
        },
        response: { 200: changedSchema, ...editErrors },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const { id } = request.params;
      if (!known(id)) throw new HttpError(404, `没有编号为 ${id} 的派单规则。`);
      const rule = checked(request.body);
      const accepted = await applyEdit(editor, reply, (dir) => updateRule(dir, id, rule), "params.id");
      if (!accepted) return reply;
      await recordStaffAudit(prisma, admin, "update_routing_rule", id, { rule });
      return { rule: { id, ...rule } satisfies RoutingRule, ...snapshotOf(accepted.result) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/routing-rules/:id",
    { schema: { params: idParams, response: { 200: snapshotAnswer, ...editErrors } } },
    async (request, reply) => {
      const admin = adminOf(request);
      const { id } = request.params;
      const rule = knowledge().caseRules.rules.find((r) => r.id === id);
      if (!rule) throw new HttpError(404, `没有编号为 ${id} 的派单规则。`);
      const accepted = await applyEdit(editor, reply, (dir) => removeRule(dir, id), "params.id");
      if (!accepted) return reply;
      await recordStaffAudit(prisma, admin, "delete_routing_rule", id, { rule });
      return snapshotOf(accepted.result);
    },
  );

  app.post<{ Body: { ids: string[] } }>(
    "/routing-rules/order",
    {
      schema: {
        body: {
          type: "object",
          required: ["ids"],
          additionalProperties: false,
          properties: { ids: { type: "array", maxItems: 1000, items: { type: "string", pattern: RULE_ID_PATTERN } } },
        },
        response: { 200: snapshotAnswer, ...editErrors },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const { ids } = request.body;
      if (
        !isOrderOf(
          ids,
          knowledge().caseRules.rules.map((r) => r.id),
        )
      )
        throw new HttpError(400, "新的顺序须列出全部派单规则，每条一次。");
      const accepted = await applyEdit(editor, reply, (dir) => reorderRules(dir, ids), "body.ids");
      if (!accepted) return reply;
      await recordStaffAudit(prisma, admin, "reorder_routing_rules", undefined, { ids });
      return snapshotOf(accepted.result);
    },
  );
}
