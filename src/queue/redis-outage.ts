// One process's view of whether Redis is reachable, so that an outage is logged as two
// changes of state — one warning when it starts, one line when it ends — instead of a
// warning from every worker, relay poll and reconcile round while it lasts.
// Parts that reach Redis on a steady schedule (connections, the outbox relay) report each
// failure and success under their name; the outage starts with the first failing part and
// ends when every part that failed has succeeded again. Parts without a success signal of
// their own (worker errors, reconcile rounds, passive replies) only note their failures.
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";

const OUTAGE_MESSAGE =
  "Redis unreachable: complaints stay in the outbox and queued work waits; retrying quietly until it is back";

export class RedisOutage {
  /** Parts failing now, and since when the outage lasts. */
  private readonly failing = new Set<string>();
  private since: number | undefined;

  constructor(private readonly log: Logger) {}

  get down(): boolean {
    return this.since !== undefined;
  }

  /** `part` could not reach Redis. Only the first failure of an outage is a warning. */
  failed(part: string, error: unknown): void {
    this.failing.add(part);
    if (this.since !== undefined) {
      this.log.debug({ part, err: error }, "Redis still unreachable");
      return;
    }
    this.since = Date.now();
    this.log.warn({ part, err: error }, OUTAGE_MESSAGE);
  }

  /**
   * A failure of a part that never reports success: quiet while Redis is known to be down;
   * a lost connection starts the outage; any other error is logged as `message`.
   */
  noted(part: string, error: unknown, message: string): void {
    if (this.since !== undefined) this.log.debug({ part, err: error }, message);
    else if (isConnectionError(error)) {
      this.since = Date.now();
      this.log.warn({ part, err: error }, OUTAGE_MESSAGE);
    } else this.log.warn({ part, err: error }, message);
  }

  /** `part` reached Redis. The last failing part back ends the outage with one line. */
  succeeded(part: string): void {
    this.failing.delete(part);
    if (this.failing.size > 0 || this.since === undefined) return;
    this.log.info({ downForMs: Date.now() - this.since }, "Redis reachable again");
    this.since = undefined;
  }

  /** Follows a connection: its errors and its reconnects. */
  watch(part: string, connection: Redis): void {
    connection.on("error", (error: unknown) => this.failed(part, error));
    connection.on("ready", () => this.succeeded(part));
  }
}

/** Errors of a connection that is down (refused, reset, closed, offline, timed out). */
export function isConnectionError(error: unknown): boolean {
  const { code, message, name } = (error ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  if (
    typeof code === "string" &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)$/.test(code)
  )
    return true;
  if (name === "MaxRetriesPerRequestError") return true;
  return (
    typeof message === "string" &&
    /connection is closed|stream isn't writeable|connect ECONN|timed out|did not answer within|max retries per request/i.test(
      message,
    )
  );
}
