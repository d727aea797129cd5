// GET /metrics in Prometheus's text format. With METRICS_TOKEN set, a scraper must send it
// as a bearer token (401 otherwise), from anywhere. Without it, only a direct request from
// this machine is answered: a loopback peer and no forwarding header, since a reverse proxy
// on the same machine connects from loopback on behalf of anyone (403 otherwise).
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { bearerToken } from "./bearer-token.ts";
import { errorResponseSchema } from "./error-schema.ts";

export interface MetricsRoutesOptions {
  /** The registry's exposition text (prom-client's Registry.metrics). */
  metrics(): Promise<string>;
  contentType: string;
  /** METRICS_TOKEN; undefined: loopback only. */
  token: string | undefined;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const FORWARDING_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip"];

const digest = (value: string) => createHash("sha256").update(value).digest();

function isDirectLocal(request: FastifyRequest): boolean {
  // The socket's peer, not request.ip: with TRUST_PROXY, request.ip is what a header claims.
  const peer = request.raw.socket.remoteAddress ?? "";
  return LOOPBACK.has(peer) && FORWARDING_HEADERS.every((h) => request.headers[h] === undefined);
}

export async function metricsRoutes(app: FastifyInstance, { metrics, contentType, token }: MetricsRoutesOptions) {
  const expected = token ? digest(token) : undefined;
  app.get(
    "/metrics",
    {
      schema: {
        headers: { type: "object", properties: { authorization: { type: "string" } } },
        response: { 200: { type: "string" }, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request, reply) => {
      if (expected) {
        const presented = bearerToken(request);
        // Digests: equal length, constant time, whatever the caller sent.
        if (!presented || !timingSafeEqual(digest(presented), expected)) {
          return reply.status(401).header("www-authenticate", 'Bearer realm="metrics"').send({
            statusCode: 401,
            error: "Unauthorized",
            message: "a valid metrics token is required (Authorization: Bearer <METRICS_TOKEN>)",
          });
        }
      } else if (!isDirectLocal(request)) {
        return reply.status(403).send({
          statusCode: 403,
          error: "Forbidden",
          message: "/metrics answers only local requests: set METRICS_TOKEN to scrape from elsewhere",
        });
      }
      return reply
        .header("content-type", contentType)
        .header("cache-control", "no-store")
        .send(await metrics());
    },
  );
}
