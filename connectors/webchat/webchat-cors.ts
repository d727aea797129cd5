// The widget runs on other sites' pages (one <script> tag), so its calls to the hub
// are cross-origin. The citizen-facing API — chat and ticket look-up — is public and
// uses no cookies, so any origin may call it; every other route stays same-origin.
// The chat session token is a header (X-Chat-Session), never a cookie: the widget
// sends it (preflights are answered with the headers they ask for) and must be able
// to read the one the hub answers with (exposed).
// (The WebSocket needs no CORS: browsers do not apply it to the upgrade.)
import cors from "@fastify/cors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { SESSION_HEADER } from "./chat-session.ts";

const CITIZEN_API = ["/api/chat/", "/api/tickets/"];

export function isCitizenApi(url: string): boolean {
  const path = url.split("?")[0]!;
  return CITIZEN_API.some((prefix) => path.startsWith(prefix));
}

export const webchatCors = fp(async (app: FastifyInstance) => {
  await app.register(cors, {
    delegator: (request: FastifyRequest, callback) =>
      callback(
        null,
        isCitizenApi(request.url)
          ? {
              origin: "*",
              methods: ["GET", "POST"],
              exposedHeaders: [SESSION_HEADER],
              maxAge: 600,
            }
          : { origin: false },
      ),
  });
});
