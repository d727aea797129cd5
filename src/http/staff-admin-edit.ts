// What the staff admin routes that edit intents/ share: only admins pass, an edit runs
// through the IntentsEditor (one at a time, reload, the file put back when the reload is
// rejected), and its failures become answers: 404 / 409 / 422 from the edit itself, 422
// {status: "rejected", problems, serving} when the new snapshot does not validate.
import type { FastifyReply, FastifyRequest } from "fastify";
import { CatalogEditError, type FileEdit } from "../knowledge/intents-file.ts";
import type { IntentsEditor } from "../knowledge/intents-editor.ts";
import type { ReloadResult } from "../knowledge/knowledge-store.ts";
import type { StaffPrincipal } from "../staff/roles.ts";
import { rejectedSchema } from "./admin-routes.ts";
import { errorResponseSchema } from "./error-schema.ts";
import { HttpError } from "./error-handler.ts";
import { staffOf } from "./staff-auth.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

/** The admin behind the request; anyone else gets a 403 with `refusal`. */
export function adminOf(request: FastifyRequest, refusal: string): StaffPrincipal {
  const staff = staffOf(request);
  if (staff.role !== "admin") throw new HttpError(403, refusal);
  return staff;
}

/** The error answers of a route that edits intents/. */
export const editErrors = {
  ...staffErrorResponses,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: { oneOf: [rejectedSchema, errorResponseSchema] },
} as const;

/** The snapshot an edit's answer reports. */
export { snapshotSchema } from "./admin-routes.ts";

const EDIT_STATUS = { not_found: 404, conflict: 409, invalid: 422 } as const;
const REASONS = { 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity" } as const;

export type AcceptedEdit<T extends FileEdit> = { edit: T; result: Extract<ReloadResult, { ok: true }> };

/**
 * Applies an edit and reloads. On success the edit and the new snapshot; otherwise the
 * answer has been sent (the caller returns the reply) and the result is undefined.
 */
export async function applyEdit<T extends FileEdit>(
  editor: IntentsEditor,
  reply: FastifyReply,
  change: (intentsDir: string) => Promise<T>,
  field: string,
): Promise<AcceptedEdit<T> | undefined> {
  let outcome: Awaited<ReturnType<typeof editor.apply<T>>>;
  try {
    outcome = await editor.apply(change);
  } catch (error) {
    if (!(error instanceof CatalogEditError)) throw error;
    const statusCode = EDIT_STATUS[error.kind];
    await reply.status(statusCode).send({ statusCode, error: REASONS[statusCode], message: error.message, field });
    return undefined;
  }
  const { edit, result } = outcome;
  if (!result.ok) {
    const { serving } = result;
    await reply.status(422).send({
      status: "rejected",
      problems: result.problems,
      serving: { version: serving.version, items: serving.items, loadedAt: serving.loadedAt.toISOString() },
    });
    return undefined;
  }
  return { edit, result };
}

/** The new snapshot, as the answer reports it. */
export function snapshotOf(result: Extract<ReloadResult, { ok: true }>) {
  return { version: result.version, items: result.items, loadedAt: result.loadedAt.toISOString() };
}
