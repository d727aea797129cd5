// A database that is busy or out of reach (a pool with no free connection, a transaction
// that could not start in time under CPU starvation) is the server's momentary state, not
// a broken request: 503 with Retry-After, so clients and proxies come back, never a 500.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { errorHandler } from "../../src/http/error-handler.ts";

async function appThrowing(error: Error) {
  const app = Fastify({ logger: false });
  await app.register(errorHandler);
  app.get("/", async () => {
    throw error;
  });
  return app;
}

describe("database busy", () => {
  it.each(["P2028", "P2024", "P1001", "P1017"])("answers Prisma's %s with 503 and Retry-After", async (code) => {
    const app = await appThrowing(
      Object.assign(new Error("Transaction API error: Unable to start a transaction"), { code }),
    );
    const res = await app.inject("/");
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    expect(res.json().message).not.toContain("Transaction API");
    await app.close();
  });

  it("still answers other failures with 500, and says nothing of their cause", async () => {
    const app = await appThrowing(Object.assign(new Error("unique constraint secret_column"), { code: "P2002" }));
    const res = await app.inject("/");
    expect(res.statusCode).toBe(500);
    expect(res.headers["retry-after"]).toBeUndefined();
    expect(res.body).not.toContain("secret_column");
    await app.close();
  });
});
