import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("config", () => {
  it("has working defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe("127.0.0.1");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/data$/);
    expect(config.workersInProcess).toBe(true);
  });

  it("reads valid values", () => {
    const config = loadConfig({
      PORT: "8080",
      DATABASE_URL: "postgresql://u@db:5432/hub",
      REDIS_URL: "redis://cache:6379",
      WORKERS_IN_PROCESS: "false",
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: "postgresql://u@db:5432/hub",
      redisUrl: "redis://cache:6379",
      workersInProcess: false,
    });
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["REDIS_URL", "localhost:6379"],
    ["LOG_LEVEL", "loud"],
    ["WORKERS_IN_PROCESS", "maybe"],
    ["BODY_LIMIT", "-5"],
    ["TIME_ZONE", "Mars/Olympus"],
    ["OUTBOUND_MAX_ATTEMPTS", "0"],
    ["OUTBOUND_BACKOFF_MS", "soon"],
    ["ADMIN_TOKEN", "short"],
  ])("rejects %s=%s with a message naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it("leaves the admin API off unless ADMIN_TOKEN is set", () => {
    expect(loadConfig({}).adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: "" }).adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: "a-long-enough-token-123" }).adminToken).toBe("a-long-enough-token-123");
  });

  it("treats empty URLs as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", REDIS_URL: "" })).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
    });
  });
});
