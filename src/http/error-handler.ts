// Turns every failure into a JSON error that says what is wrong. Bad input is a
// 4xx naming the field, never a 500; unexpected errors are logged, not leaked.
import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * Prisma's codes for a database that is busy or out of reach rather than a request that
 * is wrong: a pool with no free connection (P2024), a transaction that could not start or
 * finish in time (P2028), a server gone or closing the connection (P1001, P1008, P1017).
 * The client should come back shortly: 503 with Retry-After, not a 500.
 */
const DATABASE_BUSY = new Set(["P1001", "P1008", "P1017", "P2024", "P2028"]);
const BUSY_RETRY_AFTER_SECONDS = 5;

export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && DATABASE_BUSY.has(code);
}

export const errorHandler = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const first = error.validation[0];
      const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
      const pathParts = [error.validationContext, ...(first?.instancePath ?? "").split("/").filter(Boolean)];
      if (missing) pathParts.push(missing);
      const field = pathParts.filter(Boolean).join(".");
      const message = missing ? `${field} is required` : `${field} ${first?.message ?? "is invalid"}`;
      return reply.status(400).send({ statusCode: 400, error: REASONS[400], message, field });
    }
    if (isDatabaseBusy(error)) {
      request.log.warn({ err: error }, "database busy or unreachable; answered 503");
      return reply
        .status(503)
        .header("retry-after", String(BUSY_RETRY_AFTER_SECONDS))
        .send({ statusCode: 503, error: REASONS[503], message: "The database is busy; please try again shortly." });
    }
    const status = error instanceof HttpError ? error.statusCode : (error.statusCode ?? 500);
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.status(status).send({
        statusCode: status,
        error: REASONS[status] ?? "Error",
        message: "Internal error; it has been logged.",
      });
    }
    return reply.status(status).send({ statusCode: status, error: REASONS[status] ?? "Error", message: error.message });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      statusCode: 404,
      error: REASONS[404],
      message: `No route for ${request.method} ${request.url.split("?")[0]}`,
    }),
  );
});
