// The HTTP surface: every feature is a Fastify plugin with its own routes and schemas.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { registerAll } from "../connectors/shared/channel-module.ts";
import { type Hub, metricsOptions } from "./hub.ts";
import { adminRoutes } from "./http/admin-routes.ts";
import { cleanInput } from "./http/clean-input.ts";
import { errorHandler } from "./http/error-handler.ts";
import { healthRoutes } from "./http/health-routes.ts";
import { LoginThrottle } from "./http/login-throttle.ts";
import { open311Routes } from "./http/open311-routes.ts";
import { opinionRoutes } from "./http/opinion-routes.ts";
import { rateLimits } from "./http/rate-limits.ts";
import { metricsRoutes } from "./http/metrics-routes.ts";
import { requestMetrics } from "./http/request-metrics.ts";
import { RequestLogController } from "./http/request-log.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { staffAdminCatalogRoutes } from "./http/staff-admin-catalog-routes.ts";
import { staffAdminDepartmentRoutes } from "./http/staff-admin-department-routes.ts";
import { staffAdminRoutingRuleRoutes } from "./http/staff-admin-routing-rule-routes.ts";
import { IntentsEditor } from "./knowledge/intents-editor.ts";
import { staffApi } from "./http/staff-api.ts";
import { ticketRoutes } from "./http/ticket-routes.ts";
import { validation } from "./http/validation.ts";
import { transparencyApi } from "./transparency/transparency-api.ts";
import { transparencyAssetRoutes } from "./transparency/transparency-assets.ts";
import { vendorAssetRoutes } from "./http/vendor-assets.ts";
import { workbenchRoutes } from "./workbench/workbench-routes.ts";

export async function buildApp(hub: Hub): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: hub.log as FastifyBaseLogger,
    bodyLimit: hub.config.bodyLimit,
    // Stop waiting for idle keep-alive sockets on close; in-flight requests still finish.
    forceCloseConnections: "idle",
    // Which proxies' X-Forwarded-For decides request.ip (rate limits, login lockout, logs).
    trustProxy: hub.config.trustProxy,
    // One line per request; health checks and scrapes at debug (src/http/request-log.ts).
    logController: new RequestLogController(),
  });
  await app.register(errorHandler);
  await app.register(validation);
  await app.register(cleanInput);
  await app.register(securityHeaders, { frameAncestors: hub.config.frameAncestors });
  await app.register(requestMetrics, { observe: (...request) => hub.metrics.http.observe(...request) });
  const limits = hub.config.rateLimits;
  await app.register(rateLimits, { redis: hub.redis, limits, prefix: hub.config.queuePrefix });
  // Before any route: the channels' plugins whose hooks must see every route (WebSocket upgrades, CORS).
  for (const channel of hub.channels.values()) await registerAll(app, channel.hooks);
  const { db, config, cases } = hub;
  const degradable = [...hub.channels.values()].flatMap((channel) =>
    channel.degradedBecause ? [{ name: channel.name, degradedBecause: () => channel.degradedBecause!() }] : [],
  );
  await app.register(healthRoutes, { db, redis: hub.redis, degradable });
  await app.register(metricsRoutes, metricsOptions(hub));
  await app.register(vendorAssetRoutes);
  await app.register(workbenchRoutes);
  await app.register(ticketRoutes, { prisma: db.prisma, catalog: () => hub.catalog() });
  await app.register(transparencyAssetRoutes);
  await app.register(transparencyApi, {
    prisma: db.prisma,
    knowledge: () => hub.knowledge.current,
    timeZone: config.timeZone,
    minGroup: config.transparencyMinGroup,
  });
  const loginThrottle = limits && new LoginThrottle(hub.redis, limits, config.queuePrefix);
  await app.register(staffApi, {
    prisma: db.prisma,
    cases,
    timeZone: config.timeZone,
    loginThrottle,
    agents: hub.agents,
    workbench: {
      dueSoonHours: config.cases.dueSoonHours,
      reopenWindowDays: config.cases.reopenDays,
      duplicateWindowHours: config.cases.duplicateWindowHours,
    },
  });
  await app.register(open311Routes, {
    prisma: db.prisma,
    cases,
    timeZone: config.timeZone,
    apiKeys: config.open311ApiKeys,
    readApiKeys: config.open311ReadApiKeys,
    onOutboxWritten: () => hub.relay.kick(),
    prefix: "/open311/v2",
  });
  const editor = new IntentsEditor(config.intentsDir, () => hub.knowledge.reload());
  await app.register(staffAdminCatalogRoutes, {
    prisma: db.prisma,
    sessions: cases.sessions,
    knowledge: () => hub.knowledge.current,
    editor,
    prefix: "/api/staff/admin",
  });
  const adminEdits = {
    prisma: db.prisma,
    sessions: cases.sessions,
    knowledge: () => hub.knowledge.current,
    editor,
    prefix: "/api/staff/admin",
  };
  await app.register(staffAdminDepartmentRoutes, adminEdits);
  await app.register(staffAdminRoutingRuleRoutes, adminEdits);
  await app.register(adminRoutes, {
    prisma: db.prisma,
    adminToken: config.adminToken,
    catalog: () => hub.catalog(),
    reloadCatalog: () => hub.knowledge.reload(),
  });
  const opinion = {
    sql: db.sql,
    prisma: db.prisma,
    sessions: cases.sessions,
    regions: () => hub.knowledge.current.regions,
    recorder: () => hub.opinionRecorders.current(),
  };
  await app.register(opinionRoutes, { ...opinion, timeZone: config.timeZone, prefix: "/api/opinion" });
  for (const channel of hub.channels.values()) await registerAll(app, channel.routes);
  return app;
}
