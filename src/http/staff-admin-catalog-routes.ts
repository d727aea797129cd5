// Catalog administration for staff admins, under /api/staff/admin with a staff session
// (the token-protected /api/admin routes stay for operators' scripts):
//   GET  /catalog            the knowledge snapshot serving: version, item count, loaded at
//   GET  /unanswered         what citizens asked that the hub could not answer (same report)
//   POST /catalog/examples   {itemCode, question}: the question becomes an example of the item
//                            in its file under intents/items/, and the catalog reloads.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import { addExampleQuestion, CatalogEditError, restoreFile } from "../knowledge/catalog-examples.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import type { ReloadResult } from "../knowledge/knowledge-store.ts";
import { maskText } from "../privacy/mask.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import type { StaffPrincipal } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { rejectedSchema } from "./admin-routes.ts";
import { errorResponseSchema } from "./error-schema.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { staffErrorResponses } from "./staff-schemas.ts";
import { type UnansweredQuery, unansweredAnswer, unansweredQuerySchema, unansweredSchema } from "./unanswered-view.ts";

export interface StaffAdminCatalogRoutesOptions {
  prisma: PrismaClient;
  sessions: Pick<StaffSessions, "authenticate">;
  /** The snapshot serving now. */
  knowledge(): Pick<Knowledge, "version" | "loadedAt" | "catalog">;
  /** Reloads intents/ (the knowledge store's reload). */
  reloadCatalog(): Promise<ReloadResult>;
  /** INTENTS_DIR: where the item files are. */
  intentsDir: string;
}

const statusSchema = {
  type: "object",
  required: ["version", "items", "loadedAt"],
  properties: {
    version: { type: "integer" },
    items: { type: "integer" },
    loadedAt: { type: "string", format: "date-time" },
  },
} as const;

const errors = { ...staffErrorResponses, 404: errorResponseSchema } as const;

function adminOf(request: FastifyRequest): StaffPrincipal {
  const staff = staffOf(request);
  if (staff.role !== "admin") throw new HttpError(403, "只有管理员可以维护事项目录。");
  return staff;
}

const EDIT_STATUS = { not_found: 404, conflict: 409, invalid: 422 } as const;

export async function staffAdminCatalogRoutes(app: FastifyInstance, options: StaffAdminCatalogRoutesOptions) {
  const { prisma, knowledge, reloadCatalog, intentsDir } = options;
  const authenticated = { onRequest: requireStaff(options.sessions) };
  const status = () => {
    const k = knowledge();
    return { version: k.version, items: k.catalog.items.length, loadedAt: k.loadedAt.toISOString() };
  };
  // One edit at a time in this process: each reads the file the previous one wrote.
  let editing: Promise<unknown> = Promise.resolve();

  app.get("/catalog", { ...authenticated, schema: { response: { 200: statusSchema, ...errors } } }, async (request) => {
    adminOf(request);
    return status();
  });

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
            required: ["itemCode", "itemName", "question", "file", ...statusSchema.required],
            properties: {
              itemCode: { type: "string" },
              itemName: { type: "string" },
              question: { type: "string" },
              /** The file changed, relative to intents/. */
              file: { type: "string" },
              ...statusSchema.properties,
            },
          },
          ...errors,
          422: { oneOf: [rejectedSchema, errorResponseSchema] },
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

      const edit = editing.then(async () => {
        const added = await addExampleQuestion(intentsDir, itemCode, question);
        const result = await reloadCatalog();
        // A rejected catalog would leave a file the next reload also rejects: put it back.
        if (!result.ok) await restoreFile(intentsDir, added.file, added.previous);
        return { added, result };
      });
      editing = edit.catch(() => undefined);
      let outcome: Awaited<typeof edit>;
      try {
        outcome = await edit;
      } catch (error) {
        if (!(error instanceof CatalogEditError)) throw error;
        const statusCode = EDIT_STATUS[error.kind];
        return reply.status(statusCode).send({
          statusCode,
          error: { 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity" }[statusCode],
          message: error.message,
          field: "body.question",
        });
      }
      const { added, result } = outcome;
      if (!result.ok) {
        const { serving } = result;
        return reply.status(422).send({
          status: "rejected",
          problems: result.problems,
          serving: { version: serving.version, items: serving.items, loadedAt: serving.loadedAt.toISOString() },
        });
      }
      await recordStaffAudit(prisma, admin, "add_catalog_example", itemCode, { question, file: added.file });
      return reply.status(201).send({
        itemCode,
        itemName: item.name,
        question,
        file: added.file,
        version: result.version,
        items: result.items,
        loadedAt: result.loadedAt.toISOString(),
      });
    },
  );
}
