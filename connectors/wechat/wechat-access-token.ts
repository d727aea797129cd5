// The account's access_token, shared by every process through Redis. Fetching a new
// token invalidates the old one after a few minutes, so processes must not each
// fetch their own: one refreshes under a Redis lock while the others wait for the
// token to appear (single flight across processes, and within one by a shared promise).
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../src/logger.ts";
import { type IssuedToken, STALE_TOKEN_CODES, WechatApiError } from "./wechat-api.ts";

const LOCK_MS = 15_000;
const WAIT_MS = 20_000;
const POLL_MS = 25;
// Refresh this long before WeChat's expiry, so no call goes out with a dying token.
const EARLY_SECONDS = 300;

// Deletes a key only while it still holds the value we put there.
const DELETE_IF_EQUAL = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

export class AccessTokens {
  private refreshing: Promise<string> | undefined;
  private readonly tokenKey: string;
  private readonly lockKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    appId: string,
    private readonly issue: () => Promise<IssuedToken>,
    private readonly log: Logger,
  ) {
    this.tokenKey = `${prefix}:wechat:${appId}:access-token`;
    this.lockKey = `${this.tokenKey}:refresh-lock`;
  }

  async get(): Promise<string> {
    const cached = await this.redis.get(this.tokenKey);
    if (cached) return cached;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Forgets `token` — unless another process has already replaced it with a fresh one. */
  async invalidate(token: string): Promise<void> {
    await this.redis.eval(DELETE_IF_EQUAL, 1, this.tokenKey, token);
  }

  /** Runs `call` with a token; when WeChat calls the token stale, refreshes once and tries again. */
  async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.get();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !STALE_TOKEN_CODES.has(error.errcode)) throw error;
      this.log.info({ errcode: error.errcode }, "WeChat access token rejected; refreshing once");
      await this.invalidate(token);
      return call(await this.get());
    }
  }

  private async refresh(): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    const owner = randomUUID();
    for (;;) {
      if ((await this.redis.set(this.lockKey, owner, "PX", LOCK_MS, "NX")) === "OK") {
        try {
          // Another process may have refreshed between our miss and our lock.
          const fresh = await this.redis.get(this.tokenKey);
          if (fresh) return fresh;
          const issued = await this.issue();
          const ttl = Math.max(60, issued.expiresInSeconds - EARLY_SECONDS);
          await this.redis.set(this.tokenKey, issued.accessToken, "EX", ttl);
          this.log.info({ expiresInSeconds: issued.expiresInSeconds }, "WeChat access token refreshed");
          return issued.accessToken;
        } finally {
          await this.redis.eval(DELETE_IF_EQUAL, 1, this.lockKey, owner).catch(() => undefined);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const token = await this.redis.get(this.tokenKey);
      if (token) return token;
      if (Date.now() > deadline)
        throw new Error("timed out waiting for another process to refresh the WeChat access token");
    }
  }
}
