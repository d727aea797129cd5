// The token of "Authorization: Bearer <token>", shared by the staff and admin guards.
import type { FastifyRequest } from "fastify";

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}
