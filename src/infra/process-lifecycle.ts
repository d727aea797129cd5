// Graceful shutdown shared by the server and the worker process: on SIGINT/SIGTERM,
// run the closers in order, and exit anyway if they take too long.
import type { Logger } from "../logger.ts";

export type Closer = () => Promise<unknown>;

export function closeOnSignals(log: Logger, timeoutMs: number, closers: Closer[]): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, "shutdown took too long; exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const close of closers) {
      try {
        await close();
      } catch (error) {
        log.error({ err: error }, "error during shutdown");
      }
    }
    log.info("stopped");
    process.exit(0);
  };
  // `on`, not `once`: Ctrl+C reaches the hub twice (from the terminal, and forwarded by
  // scripts/bootstrap.mjs), and without a listener the second would kill it mid-shutdown.
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/** Prints a start-up failure as one readable message (no stack for known errors) and exits. */
export function exitOnStartupError(error: unknown): never {
  const known =
    error instanceof Error &&
    ["ConfigError", "CatalogError", "MigrationError", "DatabaseLockedError", "PrivatePostgresError"].includes(
      error.name,
    );
  console.error(
    `\n启动失败 / start-up failed:\n${known ? error.message : ((error as Error)?.stack ?? String(error))}\n`,
  );
  process.exit(1);
}
