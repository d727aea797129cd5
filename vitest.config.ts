import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Integration tests share one PostgreSQL and one Redis; each file isolates itself
    // (own database, own queue prefix), so files can run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
