// Times every request for /metrics: method, the matched route's pattern (never the raw URL)
// and the status. Registered before any route (fastify-plugin), so its hook sees them all.
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export interface RequestMetricsOptions {
  observe(method: string, route: string | undefined, statusCode: number, seconds: number): void;
}

export const requestMetrics = fp(async (app: FastifyInstance, { observe }: RequestMetricsOptions) => {
  app.addHook("onResponse", async (request, reply) => {
    observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });
});
