// Liveness (/healthz: the process answers) and readiness (/readyz: it can do its job).
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Database } from "../db/database.ts";
import { pendingMigrations } from "../db/migrate.ts";
import { withTimeout } from "../queue/with-timeout.ts";

const checkSchema = {
  type: "object",
  required: ["ok"],
  properties: { ok: { type: "boolean" }, degraded: { type: "boolean" }, detail: { type: "string" } },
} as const;

const readySchema = {
  type: "object",
  required: ["status", "checks"],
  properties: {
    // degraded: everything the web process needs works, but a part beside it (a channel's
    // own process, e.g. a logged-out community-group bot) does not: serve, and say so.
    status: { type: "string", enum: ["ready", "degraded", "not_ready"] },
    checks: {
      type: "object",
      required: ["database", "migrations", "redis"],
      properties: { database: checkSchema, migrations: checkSchema, redis: checkSchema },
      additionalProperties: checkSchema,
    },
  },
} as const;

interface Check {
  ok: boolean;
  /** Works only in part: readiness stays 200, with status "degraded". */
  degraded?: boolean;
  detail?: string;
}

/** A check of a part beside the web process's own (a channel): it can degrade readiness, never fail it. */
export interface ReadinessCheck {
  name: string;
  /** Undefined: fine; a string: degraded, and why. */
  degradedBecause(): Promise<string | undefined>;
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
  /** Parts that degrade readiness without failing it (channels running in their own process). */
  degradable?: readonly ReadinessCheck[];
}

export async function healthRoutes(
  app: FastifyInstance,
  { db, redis: producer, degradable = [] }: HealthRoutesOptions,
) {
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
    // Beside the core checks, at the same time (each bounded like them).
    const partsChecked = Promise.all(degradable.map(async (part) => [part.name, await degradation(part)] as const));
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
    const parts = await partsChecked;
    const ok = database.ok && migrations.ok && redis.ok;
    const degraded = parts.some(([, check]) => check.degraded);
    return reply.status(ok ? 200 : 503).send({
      status: !ok ? "not_ready" : degraded ? "degraded" : "ready",
      checks: { database, migrations, redis, ...Object.fromEntries(parts) },
    });
  });
}

async function degradation(part: ReadinessCheck): Promise<Check> {
  try {
    const because = await withTimeout(part.degradedBecause(), 2_000, part.name);
    return because === undefined ? { ok: true } : { ok: true, degraded: true, detail: because };
  } catch (error) {
    return { ok: true, degraded: true, detail: `cannot tell: ${(error as Error).message}` };
  }
}
