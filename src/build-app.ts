// The HTTP surface: every feature is a Fastify plugin with its own routes and schemas.
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { webchatCors } from "../connectors/webchat/webchat-cors.ts";
import { webchatPlugin } from "../connectors/webchat/webchat-plugin.ts";
import { wechatPlugin } from "../connectors/wechat/wechat-plugin.ts";
import { weiboPlugin } from "../connectors/weibo/weibo-plugin.ts";
import type { Hub } from "./hub.ts";
import { adminRoutes } from "./http/admin-routes.ts";
import { errorHandler } from "./http/error-handler.ts";
import { healthRoutes } from "./http/health-routes.ts";
import { open311Routes } from "./http/open311-routes.ts";
import { staffApi } from "./http/staff-api.ts";
import { ticketRoutes } from "./http/ticket-routes.ts";
import { validation } from "./http/validation.ts";

export async function buildApp(hub: Hub): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: hub.log as FastifyBaseLogger,
    bodyLimit: hub.config.bodyLimit,
    // Stop waiting for idle keep-alive sockets on close; in-flight requests still finish.
    forceCloseConnections: "idle",
  });
  await app.register(errorHandler);
  await app.register(validation);
  // Before any route: WebSocket upgrades are routed like requests, and CORS hooks must see every route.
  // A frame larger than the body limit closes the socket (1009), as a larger body gets a 413.
  await app.register(websocket, { options: { maxPayload: hub.config.bodyLimit } });
  await app.register(webchatCors);
  const { db, config, cases } = hub;
  await app.register(healthRoutes, { db, redis: hub.redis });
  await app.register(ticketRoutes, { prisma: db.prisma, catalog: () => hub.catalog() });
  await app.register(staffApi, { prisma: db.prisma, cases, timeZone: config.timeZone });
  await app.register(open311Routes, {
    prisma: db.prisma,
    cases,
    timeZone: config.timeZone,
    apiKeys: config.open311ApiKeys,
    onOutboxWritten: () => hub.relay.kick(),
    prefix: "/open311/v2",
  });
  await app.register(webchatPlugin, { pipeline: hub.pipeline });
  await app.register(adminRoutes, {
    prisma: db.prisma,
    adminToken: config.adminToken,
    catalog: () => hub.catalog(),
    reloadCatalog: () => hub.knowledge.reload(),
  });
  await app.register(wechatPlugin, { connector: hub.channels.wechat });
  await app.register(weiboPlugin, { connector: hub.channels.weibo });
  return app;
}
