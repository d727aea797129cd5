// Guards /api/admin/*: a bearer token from ADMIN_TOKEN until staff accounts exist.
// No token configured means the admin API is off (503), never open.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { bearerToken } from "./bearer-token.ts";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function adminAuth(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!expected) {
      return reply
        .status(503)
        .send({ statusCode: 503, error: "Service Unavailable", message: "admin API disabled: set ADMIN_TOKEN" });
    }
    const presented = bearerToken(request);
    // Compare digests: equal length, constant time, whatever the caller sent.
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      return reply.status(401).header("www-authenticate", 'Bearer realm="admin"').send({
        statusCode: 401,
        error: "Unauthorized",
        message: "a valid admin token is required (Authorization: Bearer <ADMIN_TOKEN>)",
      });
    }
  };
}
