// The bot's login lifecycle: prints the QR code to scan (log and Redis, for admins),
// records the state with a heartbeat (wechaty-state.ts), and after a logout — or a start
// that failed — stops and starts the bot again after a growing delay (reconnect-backoff.ts)
// until it is logged in again. Messages are handed on only while logged in.
import type { Logger } from "../../src/logger.ts";
import { ReconnectBackoff } from "./reconnect-backoff.ts";
import { type BotState, type BotStateStore, HEARTBEAT_TTL_SECONDS } from "./wechaty-state.ts";

/** The part of a Wechaty instance the session drives (typed structurally: nothing here loads Wechaty). */
export interface WechatyBotLike {
  on(event: "scan", listener: (qrcode: string, status: number) => void): unknown;
  on(event: "login", listener: (user: { name(): string }) => void): unknown;
  on(event: "logout", listener: (user: unknown, reason?: string) => void): unknown;
  on(event: "message", listener: (message: unknown) => void): unknown;
  on(event: "error", listener: (error: unknown) => void): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
  isLoggedIn: boolean;
}

/** wechaty-puppet's ScanStatus: a QR code waiting to be scanned (2) or replaced after a timeout (5). */
const QR_TO_SCAN = new Set([2, 5]);

export interface SessionOptions {
  /** First reconnect delay, doubling up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Draws a QR code as a PNG data URL for admins (the bot process passes Wechaty's FileBox); without it only the content is shown. */
  renderQr?: (qrcode: string) => Promise<string>;
}

export class WechatySession {
  private readonly backoff: ReconnectBackoff;
  private state: BotState = { status: "starting", since: new Date().toISOString(), reconnects: 0 };
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Our own stop (a restart or the end): the logout it causes is not a logout to recover from. */
  private stopping = false;
  private closed = false;
  private restarting: Promise<void> | undefined;

  private readonly renderQr: SessionOptions["renderQr"];

  constructor(
    private readonly bot: WechatyBotLike,
    private readonly store: BotStateStore,
    private readonly log: Logger,
    private readonly onMessage: (message: unknown) => Promise<void>,
    options: SessionOptions = {},
  ) {
    this.renderQr = options.renderQr;
    this.backoff = new ReconnectBackoff(options.minBackoffMs ?? 2_000, options.maxBackoffMs ?? 300_000);
    bot.on("scan", (qrcode, status) => this.scanned(qrcode, status));
    bot.on("login", (user) => {
      // Logged in again by itself (a puppet may re-login on its own): no restart is due.
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.backoff.reset();
      this.log.info({ user: user.name() }, "community-group bot logged in");
      this.record({ status: "logged_in", user: user.name() });
    });
    bot.on("logout", (_user, reason) => {
      if (this.stopping || this.closed) return;
      this.log.warn({ reason }, "community-group bot logged out: reconnecting");
      this.record({ status: "logged_out" });
      this.scheduleReconnect();
    });
    bot.on("message", (message) => {
      this.onMessage(message).catch((error: unknown) =>
        this.log.error({ err: error }, "community-group message could not be answered"),
      );
    });
    bot.on("error", (error) => {
      this.log.warn({ err: error }, "community-group bot error");
      this.record({ lastError: String((error as Error)?.message ?? error).slice(0, 300) }, false);
    });
  }

  get current(): BotState {
    return this.state;
  }

  async start(): Promise<void> {
    this.record({ status: "starting" });
    this.heartbeat = setInterval(
      () => void this.store.beat().catch(() => undefined),
      (HEARTBEAT_TTL_SECONDS * 1000) / 3,
    );
    this.heartbeat.unref();
    try {
      await this.bot.start();
    } catch (error) {
      this.log.error({ err: error }, "community-group bot did not start: retrying");
      this.record({ status: "logged_out", lastError: (error as Error).message });
      this.scheduleReconnect();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    await this.restarting;
    this.stopping = true;
    await this.bot.stop().catch(() => undefined);
    this.state = { status: "stopped", since: new Date().toISOString(), reconnects: this.state.reconnects ?? 0 };
    await this.store.stopped(this.state).catch(() => undefined);
  }

  private scanned(qrcode: string, status: number): void {
    if (!QR_TO_SCAN.has(status) || !qrcode) return;
    // Printed for whoever runs the process; the workbench's admins read it from Redis.
    this.log.warn(
      { qrcode },
      "community-group bot is logged out: scan this QR code with the account's phone (also at GET /connectors/wechaty/status)",
    );
    this.record({ status: "scan", qrcode });
    this.renderQr?.(qrcode).then(
      (qrImage) => {
        if (this.state.qrcode === qrcode) this.record({ qrImage }, false);
      },
      (error: unknown) => this.log.debug({ err: error }, "cannot draw the QR code"),
    );
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.backoff.next();
    this.record(
      { reconnects: (this.state.reconnects ?? 0) + 1, nextAttemptAt: new Date(Date.now() + delay).toISOString() },
      false,
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.restarting = this.restart().finally(() => {
        this.restarting = undefined;
      });
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.closed || this.bot.isLoggedIn) return;
    this.stopping = true;
    try {
      await this.bot
        .stop()
        .catch((error: unknown) => this.log.debug({ err: error }, "stopping the bot for a reconnect"));
    } finally {
      this.stopping = false;
    }
    if (this.closed) return;
    this.record({ status: "starting" });
    try {
      await this.bot.start();
      this.log.info("community-group bot restarted: waiting for its login");
    } catch (error) {
      this.log.warn({ err: error }, "community-group bot reconnect failed: trying again later");
      this.record({ status: "logged_out", lastError: (error as Error).message });
      this.scheduleReconnect();
    }
  }

  /** Updates the state (a status change resets `since` and drops the QR code), and writes it to Redis. */
  private record(change: Partial<BotState>, statusChange = true): void {
    const { qrcode: _qrcode, qrImage: _qrImage, ...rest } = this.state;
    this.state =
      statusChange && change.status
        ? {
            ...rest,
            ...change,
            since: new Date().toISOString(),
            ...(change.status === "logged_in" && { nextAttemptAt: undefined }),
          }
        : { ...this.state, ...change };
    if (this.state.status !== "scan") {
      delete this.state.qrcode;
      delete this.state.qrImage;
    }
    void this.store
      .write(this.state)
      .catch((error: unknown) =>
        this.log.debug({ err: error }, "cannot record the community-group bot's state in Redis"),
      );
  }
}
