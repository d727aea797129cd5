// Catalog administration for staff admins, under /api/staff/admin with a staff session
// (the token-protected /api/admin routes stay for operators' scripts):
//   GET  /catalog            the knowledge snapshot serving: version, item count, loaded at
//   GET  /unanswered         what citizens asked that the hub could not answer (same report)
//   POST /catalog/examples   {itemCode, question}: the question becomes an example of the item
//                            in its file under intents/items/, and the catalog reloads.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import { addExampleQuestion } from "../knowledge/catalog-examples.ts";
import type { IntentsEditor } from "../knowledge/intents-editor.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { maskText } from "../privacy/mask.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { errorResponseSchema } from "./error-schema.ts";
import { HttpError } from "./error-handler.ts";
import { adminOf as adminWith, applyEdit, editErrors, snapshotOf, snapshotSchema } from "./staff-admin-edit.ts";
import { requireStaff } from "./staff-auth.ts";
import { staffErrorResponses } from "./staff-schemas.ts";
import { type UnansweredQuery, unansweredAnswer, unansweredQuerySchema, unansweredSchema } from "./unanswered-view.ts";

export interface StaffAdminCatalogRoutesOptions {
  prisma: PrismaClient;
  sessions: Pick<StaffSessions, "authenticate">;
  /** The snapshot serving now. */
  knowledge(): Pick<Knowledge, "version" | "loadedAt" | "catalog">;
  /** Edits intents/ one at a time, reloading after each. */
  editor: IntentsEditor;
}

const errors = { ...staffErrorResponses, 404: errorResponseSchema } as const;

const adminOf = (request: FastifyRequest) => adminWith(request, "只有管理员可以维护事项目录。");

export async function staffAdminCatalogRoutes(app: FastifyInstance, options: StaffAdminCatalogRoutesOptions) {
  const { prisma, knowledge, editor } = options;
  const authenticated = { onRequest: requireStaff(options.sessions) };
  const status = () => {
    const k = knowledge();
    return { version: k.version, items: k.catalog.items.length, loadedAt: k.loadedAt.toISOString() };
  };

  app.get(
    "/catalog",
    { ...authenticated, schema: { response: { 200: snapshotSchema, ...errors } } },
    async (request) => {
      adminOf(request);
      return status();
    },
  );

  app.get<{ Querystring: UnansweredQuery }>(
    "/unanswered",
    {
      ...authenticated,
      schema: { querystring: unansweredQuerySchema, response: { 200: unansweredSchema, ...errors } },
    },
    async (request) => {
      adminOf(request);
      return unansweredAnswer(prisma, request.query, knowledge().catalog);
    },
  );

  app.post<{ Body: { itemCode: string; question: string } }>(
    "/catalog/examples",
    {
      ...authenticated,
      schema: {
        body: {
          type: "object",
          required: ["itemCode", "question"],
          additionalProperties: false,
          properties: {
            itemCode: { type: "string", minLength: 1, maxLength: 64 },
            question: { type: "string", minLength: 1, maxLength: 200, pattern: "\\S" },
          },
        },
        response: {
          201: {
            type: "object",
            required: ["itemCode", "itemName", "question", "file", ...snapshotSchema.required],
            properties: {
              itemCode: { type: "string" },
              itemName: { type: "string" },
              question: { type: "string" },
              /** The file changed, relative to intents/. */
              file: { type: "string" },
              ...snapshotSchema.properties,
            },
          },
          ...editErrors,
        },
      },
    },
    async (request, reply) => {
      const admin = adminOf(request);
      const question = request.body.question.replace(/\s+/g, " ").trim();
      const { itemCode } = request.body;
      // The catalog is published knowledge: a phone or ID number never goes into it.
      if (maskText(question) !== question)
        throw new HttpError(400, "问题中含有电话号码、证件号码等个人信息，请删去后再添加。");
      const item = knowledge().catalog.items.find((i) => i.code === itemCode);
      if (!item) throw new HttpError(404, `目录中没有编码为 ${itemCode} 的事项。`);

      const accepted = await applyEdit(
        editor,
        reply,
        (dir) => addExampleQuestion(dir, itemCode, question),
        "body.question",
      );
      if (!accepted) return reply;
      const { edit: added, result } = accepted;
      await recordStaffAudit(prisma, admin, "add_catalog_example", itemCode, { question, file: added.file });
      return reply.status(201).send({
        itemCode,
        itemName: item.name,
        question,
        file: added.file,
        ...snapshotOf(result),
      });
    },
  );
}
