// Reply templates (常用语, src/cases/reply-templates.ts) in the department API:
// GET /reply-templates for every member of staff (department staff: theirs and the
// city-wide ones), POST, PUT /:id and DELETE /:id for admins.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Cases } from "../cases/cases.ts";
import {
  createReplyTemplate,
  deleteReplyTemplate,
  listReplyTemplates,
  type ReplyTemplate,
  ReplyTemplateError,
  type ReplyTemplateInput,
  updateReplyTemplate,
} from "../cases/reply-templates.ts";
import type { PrismaClient } from "../db/database.ts";
import type { StaffPrincipal } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { errorResponseSchema } from "./error-schema.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf, departmentFilter } from "./staff-auth.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

export interface StaffReplyTemplateRoutesOptions {
  prisma: PrismaClient;
  cases: Pick<Cases, "sessions" | "knowledge">;
}

const templateSchema = {
  type: "object",
  required: ["id", "departmentCode", "title", "text", "createdAt", "updatedAt"],
  properties: {
    id: { type: "string" },
    departmentCode: { type: ["string", "null"] },
    title: { type: "string" },
    text: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
  },
} as const;

const bodySchema = {
  type: "object",
  required: ["title", "text"],
  additionalProperties: false,
  properties: {
    /** Omitted or null: for every department. */
    departmentCode: { type: ["string", "null"], minLength: 1 },
    title: { type: "string", minLength: 1, maxLength: 50, pattern: "\\S" },
    text: { type: "string", minLength: 1, maxLength: 2000, pattern: "\\S" },
  },
} as const;

const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" } },
} as const;

const errors = { ...staffErrorResponses, 404: errorResponseSchema } as const;

const shown = (t: ReplyTemplate) => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

function adminOf(request: FastifyRequest): StaffPrincipal {
  const staff = staffOf(request);
  if (staff.role !== "admin") throw new HttpError(403, "只有管理员可以维护常用语。");
  return staff;
}

function badInput(reply: FastifyReply, error: unknown) {
  if (!(error instanceof ReplyTemplateError)) throw error;
  const field = `body.${error.field}`;
  return reply
    .status(400)
    .send({ statusCode: 400, error: "Bad Request", message: `${field}: ${error.message}`, field });
}

const notFound = () => new HttpError(404, "没有找到这条常用语，可能已被删除。");

export async function staffReplyTemplateRoutes(
  app: FastifyInstance,
  { prisma, cases }: StaffReplyTemplateRoutesOptions,
) {
  const authenticated = { onRequest: requireStaff(cases.sessions) };
  const departments = () => cases.knowledge().departments.codes;

  app.get<{ Querystring: { department?: string } }>(
    "/reply-templates",
    {
      ...authenticated,
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { department: { type: "string", minLength: 1 } },
        },
        response: {
          200: {
            type: "object",
            required: ["templates"],
            properties: { templates: { type: "array", items: templateSchema } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const templates = await listReplyTemplates(prisma, departmentFilter(staffOf(request), request.query.department));
      return { templates: templates.map(shown) };
    },
  );

  app.post<{ Body: ReplyTemplateInput }>(
    "/reply-templates",
    { ...authenticated, schema: { body: bodySchema, response: { 201: templateSchema, ...errors } } },
    async (request, reply) => {
      const admin = adminOf(request);
      try {
        const template = await createReplyTemplate(prisma, request.body, departments());
        await recordStaffAudit(prisma, admin, "create_reply_template", template.id, {
          departmentCode: template.departmentCode,
          title: template.title,
        });
        return reply.status(201).send(shown(template));
      } catch (error) {
        return badInput(reply, error);
      }
    },
  );

  app.put<{ Params: { id: string }; Body: ReplyTemplateInput }>(
    "/reply-templates/:id",
    { ...authenticated, schema: { params: idParams, body: bodySchema, response: { 200: templateSchema, ...errors } } },
    async (request, reply) => {
      const admin = adminOf(request);
      let template: ReplyTemplate | undefined;
      try {
        template = await updateReplyTemplate(prisma, request.params.id, request.body, departments());
      } catch (error) {
        return badInput(reply, error);
      }
      if (!template) throw notFound();
      await recordStaffAudit(prisma, admin, "update_reply_template", template.id, {
        departmentCode: template.departmentCode,
        title: template.title,
      });
      return shown(template);
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/reply-templates/:id",
    { ...authenticated, schema: { params: idParams, response: { 204: { type: "null" }, ...errors } } },
    async (request, reply) => {
      const admin = adminOf(request);
      if (!(await deleteReplyTemplate(prisma, request.params.id))) throw notFound();
      await recordStaffAudit(prisma, admin, "delete_reply_template", request.params.id);
      return reply.status(204).send();
    },
  );
}
