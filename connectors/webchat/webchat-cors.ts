// The widget runs on other sites' pages (one <script> tag), so its calls to the hub
// are cross-origin. The citizen-facing API — chat and ticket look-up — is public and
// uses no cookies, so any origin may call it; every other route stays same-origin.
// (The WebSocket needs no CORS: browsers do not apply it to the upgrade.)
import cors from "@fastify/cors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

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
        isCitizenApi(request.url) ? { origin: "*", methods: ["GET", "POST"], maxAge: 600 } : { origin: false },
      ),
  });
});
