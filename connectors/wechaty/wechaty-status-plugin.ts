// GET /connectors/wechaty/status — for admins (Authorization: Bearer <ADMIN_TOKEN>): the
// community-group bot's state as its process recorded it in Redis — logged in or not, the
// QR code to scan (its content and a PNG data URL to open in a browser), reconnects.
import type { FastifyInstance } from "fastify";
import { adminAuth } from "../../src/http/admin-auth.ts";
import { HttpError } from "../../src/http/error-handler.ts";
import type { BotStateStore } from "./wechaty-state.ts";

const stateSchema = {
  type: "object",
  required: ["running", "status"],
  properties: {
    running: { type: "boolean" },
    status: { type: "string" },
    since: { type: "string" },
    qrcode: { type: "string" },
    qrImage: { type: "string" },
    user: { type: "string" },
    reconnects: { type: "integer" },
    nextAttemptAt: { type: "string" },
    lastError: { type: "string" },
  },
} as const;

export async function wechatyStatusPlugin(
  app: FastifyInstance,
  { store, adminToken }: { store: BotStateStore | undefined; adminToken: string | undefined },
) {
  app.get(
    "/connectors/wechaty/status",
    { preHandler: adminAuth(adminToken), schema: { response: { 200: stateSchema } } },
    async () => {
      if (!store)
        throw new HttpError(
          404,
          "The community-group connector is off: set WECHATY_PUPPET to turn it on (docs/wechaty.md).",
        );
      const { state, alive } = await store.read();
      return { running: alive, ...(state ?? { status: "unknown" }) };
    },
  );
}
