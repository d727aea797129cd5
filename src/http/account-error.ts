// An AccountError (src/staff) as the HTTP answer: 400, 403, 404 or 409, naming the body field.
import type { FastifyReply } from "fastify";
import { AccountError } from "../staff/accounts.ts";

const STATUS = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 } as const;
const REASON = { 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict" } as const;

/** Sends the error if it is an AccountError; otherwise rethrows it for the error handler. */
export function sendAccountError(reply: FastifyReply, error: unknown, location = "body") {
  if (!(error instanceof AccountError)) throw error;
  const statusCode = STATUS[error.kind];
  const field = error.kind === "not_found" ? "params.username" : `${location}.${error.field}`;
  return reply.status(statusCode).send({
    statusCode,
    error: REASON[statusCode],
    // Validation problems read like schema errors ("body.password: …"); the others are sentences.
    message: error.kind === "invalid" ? `${field}: ${error.message}` : error.message,
    field,
  });
}
