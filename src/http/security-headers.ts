// Security headers on every response (helmet): a Content-Security-Policy the web
// chat page and widget work under, nosniff, and frame-ancestors from FRAME_ANCESTORS for
// sites that put the chat page in a frame. Staff and admin answers are never cached.
// helmet's middleware is built once here and applied in one hook; @fastify/helmet built it
// anew (parsing the CSP) in two async hooks on every request: 1.6% of the chat path's CPU.
import helmet from "helmet";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

export interface SecurityHeadersOptions {
  /** CSP frame-ancestors sources ('self', 'none' or origins). */
  frameAncestors: readonly string[];
}

/** Staff and admin answers hold personal data and session tokens: no cache may keep them. */
const NO_STORE = ["/api/staff/", "/api/admin/"];
/** Loaded by other sites' pages (<script src>, <link>): must not be same-origin only. */
const CROSS_ORIGIN_ASSETS = ["/webchat/"];

export const securityHeaders = fp(async (app: FastifyInstance, { frameAncestors }: SecurityHeadersOptions) => {
  const framedElsewhere = frameAncestors.some((source) => source !== "'self'" && source !== "'none'");
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // The chat page's one small <style> block; the widget's own CSS is a file.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // 'self' covers the chat's WebSocket (ws: / wss: on the same host) in CSP level 3.
        connectSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: [...frameAncestors],
        // No upgrade-insecure-requests: a hub on a plain-HTTP intranet address must keep working.
      },
    },
    // X-Frame-Options cannot name other sites; when they may frame the page, CSP alone decides.
    xFrameOptions: framedElsewhere ? false : { action: frameAncestors.includes("'none'") ? "deny" : "sameorigin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    // No includeSubDomains: other services of the same domain may not have HTTPS yet.
    strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
    referrerPolicy: { policy: "no-referrer" },
  });
  // helmet hands its callback nothing or an Error, which is what Fastify's done takes.
  app.addHook("onRequest", (request, reply, done) =>
    setHeaders(request.raw, reply.raw, done as (error?: unknown) => void),
  );

  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0]!;
    if (NO_STORE.some((prefix) => path.startsWith(prefix))) {
      reply.header("cache-control", "no-store");
      reply.header("pragma", "no-cache");
    }
    if (CROSS_ORIGIN_ASSETS.some((prefix) => path.startsWith(prefix)))
      reply.header("cross-origin-resource-policy", "cross-origin");
  });
});
