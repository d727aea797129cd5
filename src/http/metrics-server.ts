// A listener of its own that serves only /metrics (METRICS_PORT): the worker process has no
// other HTTP port, and an operator may keep scrapes on a port the public never reaches.
// The same rules as on the main port: METRICS_TOKEN, or local requests only.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { errorHandler } from "./error-handler.ts";
import { metricsRoutes, type MetricsRoutesOptions } from "./metrics-routes.ts";
import { RequestLogController } from "./request-log.ts";

export async function buildMetricsServer(
  log: FastifyBaseLogger,
  options: MetricsRoutesOptions,
): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: log, logController: new RequestLogController() });
  await app.register(errorHandler);
  await app.register(metricsRoutes, options);
  return app;
}
