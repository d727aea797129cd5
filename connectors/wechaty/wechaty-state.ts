// The bot's state, shared through Redis: the bot process (npm run wechaty) writes it — its
// login status, the QR code to scan while logged out — with a heartbeat; the web process
// reads it for admins (GET /connectors/wechaty/status) and for /readyz, which reports the
// channel degraded (never down) while the bot is logged out or not running.
import type { Redis } from "ioredis";

export type BotStatus = "starting" | "scan" | "logged_in" | "logged_out" | "stopped";

export interface BotState {
  status: BotStatus;
  /** While status is "scan": the QR code's content (a login URL) to scan with the account's phone. */
  qrcode?: string;
  /** The same QR code as a PNG data URL, for an admin to open in a browser (when the bot process can draw it). */
  qrImage?: string;
  /** The logged-in account's name. */
  user?: string;
  /** ISO time of the last change. */
  since: string;
  /** Logouts since the process started, and when it next tries to reconnect. */
  reconnects?: number;
  nextAttemptAt?: string;
  lastError?: string;
}

/** How long a heartbeat stays valid: the bot renews it every third of this. */
export const HEARTBEAT_TTL_SECONDS = 30;

export class BotStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get stateKey() {
    return `${this.prefix}:wechaty:state`;
  }
  private get heartbeatKey() {
    return `${this.prefix}:wechaty:heartbeat`;
  }

  async write(state: BotState): Promise<void> {
    await this.redis
      .multi()
      .set(this.stateKey, JSON.stringify(state))
      .set(this.heartbeatKey, state.since, "EX", HEARTBEAT_TTL_SECONDS)
      .exec();
  }

  /** The bot process is stopping: its state says so, and its heartbeat ends now. */
  async stopped(state: BotState): Promise<void> {
    await this.redis.multi().set(this.stateKey, JSON.stringify(state)).del(this.heartbeatKey).exec();
  }

  async beat(): Promise<void> {
    await this.redis.set(this.heartbeatKey, new Date().toISOString(), "EX", HEARTBEAT_TTL_SECONDS);
  }

  /** The state, and whether the bot process is alive (its heartbeat is fresh). */
  async read(): Promise<{ state: BotState | undefined; alive: boolean }> {
    const [state, beat] = await this.redis.mget(this.stateKey, this.heartbeatKey);
    return { state: state ? (JSON.parse(state) as BotState) : undefined, alive: beat !== null };
  }

  /** For /readyz: undefined while the bot is logged in and alive, else why not (in English, for operators). */
  async degradedBecause(): Promise<string | undefined> {
    const { state, alive } = await this.read();
    if (!alive) return "the community-group bot is not running (npm run wechaty)";
    if (state?.status === "logged_in") return undefined;
    if (state?.status === "scan")
      return "the community-group bot is logged out: scan its QR code (GET /connectors/wechaty/status)";
    return `the community-group bot is ${state?.status.replace("_", " ") ?? "starting"}`;
  }
}
