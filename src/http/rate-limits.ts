// Request limits on the public write paths: chat per session and per address, Open311
// filing per api_key (logins have their own lockout: login-throttle.ts). Counters live in
// the hub's Redis (@fastify/rate-limit's store), so a limit holds across every process.
// Redis down: the limits fail open — citizens keep being answered; the outage is logged
// once by the producer connection's watch (src/queue/redis-outage.ts).
import { createHash } from "node:crypto";
import fastifyRateLimit, { normalizeIP } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import type { RateLimitSetting, RateLimits } from "../config.ts";
import { CHAT_SESSION_HEADER } from "../messages/messages.ts";
import { HttpError } from "./error-handler.ts";

/** What a citizen who sends too fast reads. */
export const CHAT_TOO_FAST = "您发送得太快了，请稍候再试。";
const OPEN311_TOO_FAST = "Too many requests for this api_key; retry after the Retry-After header's seconds.";

export interface RateLimitsOptions {
  redis: Redis;
  /** undefined: RATE_LIMIT=off. */
  limits: RateLimits | undefined;
  /** Namespaces the counters, like the queues (QUEUE_PREFIX). */
  prefix: string;
}

type Counter = (request: FastifyRequest) => Promise<number | undefined>;

/** Registered before any route (fastify-plugin), so its onRoute hook sees every route. */
export const rateLimits = fp(async (app: FastifyInstance, { redis, limits, prefix }: RateLimitsOptions) => {
  if (!limits) return;
  await app.register(fastifyRateLimit, {
    global: false,
    redis,
    nameSpace: `${prefix}:rate-limit:`,
    skipOnError: true, // fail open
  });

  /** A counter of one limit: resolves with the seconds to wait when it is exceeded. */
  const counter = (
    name: string,
    setting: RateLimitSetting,
    key: (request: FastifyRequest) => string | undefined,
  ): Counter => {
    const limiter = app.createRateLimit({
      max: setting.max,
      timeWindow: setting.windowMs,
      keyGenerator: (request) => `${name}:${key(request)}`,
    });
    return async (request) => {
      if (key(request) === undefined) return undefined;
      const result = await limiter(request);
      return !result.isAllowed && result.isExceeded ? Math.max(1, result.ttlInSeconds) : undefined;
    };
  };
  const byAddress = (request: FastifyRequest) => normalizeIP(request.ip);

  const chatLimits = [
    counter("chat-session", limits.chatSession, (request) => digest(headerValue(request, CHAT_SESSION_HEADER))),
    counter("chat-ip", limits.chatIp, byAddress),
  ];
  const open311Limit = counter("open311-key", limits.open311Key, (request) =>
    digest((request.body as { api_key?: unknown } | undefined)?.api_key),
  );

  async function chatGuard(request: FastifyRequest, reply: FastifyReply) {
    const wait = await firstExceeded(chatLimits, request);
    if (wait === undefined) return;
    // The error JSON, plus a reply in the chat's own shape for clients that show replies.
    return reply
      .code(429)
      .header("retry-after", wait)
      .send({
        statusCode: 429,
        error: "Too Many Requests",
        message: CHAT_TOO_FAST,
        retryAfter: wait,
        replies: [{ type: "text", text: CHAT_TOO_FAST }],
      });
  }

  async function open311Guard(request: FastifyRequest, reply: FastifyReply) {
    const wait = await firstExceeded([open311Limit], request);
    if (wait === undefined) return;
    reply.header("retry-after", wait);
    throw new HttpError(429, OPEN311_TOO_FAST); // Open311's error handler answers in its own format
  }

  app.addHook("onRoute", (route: RouteOptions) => {
    if (![route.method].flat().includes("POST")) return;
    if (route.url === "/api/chat/messages") appendHook(route, "onRequest", chatGuard);
    // After the route's own api_key check, so only accepted keys are counted.
    else if (/^\/open311\/.*\/requests\.:format$/.test(route.url)) appendHook(route, "preValidation", open311Guard);
  });
});

async function firstExceeded(counters: Counter[], request: FastifyRequest): Promise<number | undefined> {
  for (const count of counters) {
    const wait = await count(request);
    if (wait !== undefined) return wait;
  }
  return undefined;
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Keys of bounded length that keep no secret (session tokens, api_keys) readable in Redis. */
function digest(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return undefined;
  return createHash("sha256").update(value).digest("base64url").slice(0, 22);
}

type HookName = "onRequest" | "preValidation";

function appendHook(
  route: RouteOptions,
  name: HookName,
  hook: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): void {
  const hooks = route as unknown as Record<HookName, unknown>;
  const existing = hooks[name];
  hooks[name] = [...(existing === undefined ? [] : [existing].flat()), hook];
}
