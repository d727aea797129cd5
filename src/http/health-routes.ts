// Liveness (/healthz: the process answers) and readiness (/readyz: it can do its job).
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Database } from "../db/database.ts";
import { pendingMigrations } from "../db/migrate.ts";
import { withTimeout } from "../queue/with-timeout.ts";

const checkSchema = {
  type: "object",
  required: ["ok"],
  properties: { ok: { type: "boolean" }, detail: { type: "string" } },
} as const;

const readySchema = {
  type: "object",
  required: ["status", "checks"],
  properties: {
    status: { type: "string", enum: ["ready", "not_ready"] },
    checks: {
      type: "object",
      required: ["database", "migrations", "redis"],
      properties: { database: checkSchema, migrations: checkSchema, redis: checkSchema },
    },
  },
} as const;

interface Check {
  ok: boolean;
  detail?: string;
}

async function check(what: string, run: () => Promise<string | undefined>, timeoutMs = 2_000): Promise<Check> {
  try {
    const detail = await withTimeout(run(), timeoutMs, what);
    return detail ? { ok: true, detail } : { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

export interface HealthRoutesOptions {
  db: Pick<Database, "sql" | "backend">;
  /** The producer connection the web process uses. */
  redis: Redis;
}

export async function healthRoutes(app: FastifyInstance, { db, redis: producer }: HealthRoutesOptions) {
  app.get(
    "/healthz",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["status", "uptimeSeconds"],
            properties: { status: { type: "string" }, uptimeSeconds: { type: "number" } },
          },
        },
      },
    },
    async () => ({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }),
  );

  app.get("/readyz", { schema: { response: { 200: readySchema, 503: readySchema } } }, async (_request, reply) => {
    const [database, migrations, redis] = await Promise.all([
      check("the database", async () => {
        await db.sql.query("SELECT 1");
        return db.backend;
      }),
      check("the database", async () => {
        const pending = await pendingMigrations(db.sql);
        if (pending.length > 0) throw new Error(`pending: ${pending.join(", ")}`);
        return undefined;
      }),
      check("Redis", async () => {
        // Just after start the connection may still be connecting: wait for it (within the check's time).
        if (producer.status === "connecting" || producer.status === "connect" || producer.status === "wait") {
          await new Promise((resolve) => producer.once("ready", resolve));
        }
        await producer.ping();
        return undefined;
      }),
    ]);
    const ok = database.ok && migrations.ok && redis.ok;
    return reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? "ready" : "not_ready", checks: { database, migrations, redis } });
  });
}
