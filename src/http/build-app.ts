// The HTTP surface: every feature is a Fastify plugin with its own routes and schemas.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { webchatPlugin } from "../../connectors/webchat/webchat-plugin.ts";
import type { Hub } from "../hub.ts";
import { errorHandler } from "./error-handler.ts";
import { healthRoutes } from "./health-routes.ts";
import { open311Routes } from "./open311-routes.ts";
import { staffApi } from "./staff-api.ts";
import { ticketRoutes } from "./ticket-routes.ts";
import { validation } from "./validation.ts";

export async function buildApp(hub: Hub): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: hub.log as FastifyBaseLogger,
    bodyLimit: hub.config.bodyLimit,
    // Stop waiting for idle keep-alive sockets on close; in-flight requests still finish.
    forceCloseConnections: "idle",
  });
  await app.register(errorHandler);
  await app.register(validation);
  await app.register(healthRoutes, { hub });
  await app.register(ticketRoutes, { hub });
  await app.register(staffApi, { hub });
  await app.register(open311Routes, { hub, prefix: "/open311/v2" });
  await app.register(webchatPlugin, { pipeline: hub.pipeline });
  return app;
}
