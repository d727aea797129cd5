// Polls Weibo's public streams — posts that mention the account (statuses/mentions)
// and comments on its posts (comments/to_me) — from a persisted since_id cursor per
// stream, so nothing is taken in twice. Errors back the stream off and are recorded
// on the cursor (status, last error, retry time), where the status route shows them:
// rate limits briefly, missing permissions and bad tokens for longer, since they
// need an operator.
import type { Redis } from "ioredis";
import type { PrismaClient } from "../../src/db/database.ts";
import type { Logger } from "../../src/logger.ts";
import {
  AUTH_CODES,
  PERMISSION_CODES,
  type PolledPost,
  type PublicStream,
  RATE_LIMIT_CODES,
  type WeiboApi,
  WeiboApiError,
} from "./weibo-api.ts";
import type { WeiboPublicFeedback } from "./weibo-public-feedback.ts";

export const STREAMS: PublicStream[] = ["mentions", "comments"];
const PAGE_SIZE = 100;
const MAX_PAGES = 5;
// On the very first poll only posts still inside the 48-hour reply window are taken in.
const FIRST_POLL_WINDOW_MS = 48 * 3600_000;
const LOCK_MS = 5 * 60_000;

export type StreamStatus = "idle" | "ok" | "rate_limited" | "permission_denied" | "auth_failed" | "error";

export interface PollReport {
  stream: PublicStream;
  ingested: number;
  skipped?: "backing off" | "another process is polling";
  status: StreamStatus;
  error?: string;
}

const DELETE_IF_EQUAL = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

export interface WeiboPollerDeps {
  api: WeiboApi;
  prisma: PrismaClient;
  feedback: WeiboPublicFeedback;
  redis: Redis;
  prefix: string;
  log: Logger;
  intervalMs: number;
  now?: () => Date;
}

export class WeiboPoller {
  constructor(private readonly deps: WeiboPollerDeps) {}

  /** Polls every stream, unless another process is polling right now (one poller at a time). */
  async pollAll(): Promise<PollReport[]> {
    const lockKey = `${this.deps.prefix}:weibo:poll-lock`;
    const owner = `${process.pid}:${Math.random()}`;
    if ((await this.deps.redis.set(lockKey, owner, "PX", LOCK_MS, "NX")) !== "OK") {
      return STREAMS.map((stream) => ({ stream, ingested: 0, skipped: "another process is polling", status: "ok" }));
    }
    try {
      const reports: PollReport[] = [];
      for (const stream of STREAMS) reports.push(await this.pollStream(stream));
      return reports;
    } finally {
      await this.deps.redis.eval(DELETE_IF_EQUAL, 1, lockKey, owner).catch(() => undefined);
    }
  }

  async pollStream(stream: PublicStream): Promise<PollReport> {
    const name = streamName(stream);
    const now = this.now();
    const cursor = await this.deps.prisma.pollCursor.findUnique({ where: { stream: name } });
    if (cursor?.retryAfter && cursor.retryAfter > now) {
      return { stream, ingested: 0, skipped: "backing off", status: cursor.status as StreamStatus };
    }
    let ingested = 0;
    try {
      const sinceId = cursor?.sinceId ?? undefined;
      const posts = await this.newPosts(stream, sinceId);
      for (const post of posts) {
        if (sinceId || now.getTime() - post.createdAt.getTime() <= FIRST_POLL_WINDOW_MS) {
          await this.deps.feedback.ingest(post);
          ingested++;
        }
        // Advanced after each post: a crash mid-batch resumes after the last one handled.
        await this.save(name, { sinceId: post.id });
      }
      await this.save(name, {
        status: "ok",
        lastError: null,
        failures: 0,
        retryAfter: null,
        lastPolledAt: now,
        lastSuccessAt: now,
      });
      if (cursor && cursor.status !== "ok" && cursor.status !== "idle")
        this.deps.log.info({ stream: name }, "Weibo stream polling recovered");
      return { stream, ingested, status: "ok" };
    } catch (error) {
      const failures = (cursor?.failures ?? 0) + 1;
      const { status, backoffMs } = this.classify(error, failures);
      const message = (error as Error)?.message ?? String(error);
      await this.save(name, {
        status,
        lastError: message.slice(0, 500),
        failures,
        retryAfter: new Date(now.getTime() + backoffMs),
        lastPolledAt: now,
      });
      const level = status === "permission_denied" || status === "auth_failed" ? "error" : "warn";
      this.deps.log[cursor?.status === status ? "debug" : level](
        { stream: name, status, backoffMs, err: error, ingested },
        `Weibo ${stream} polling failed (${status}); next try in ${Math.round(backoffMs / 1000)} s`,
      );
      return { stream, ingested, status, error: message };
    }
  }

  async statuses() {
    const cursors = await this.deps.prisma.pollCursor.findMany({ where: { stream: { in: STREAMS.map(streamName) } } });
    return STREAMS.map((stream) => {
      const cursor = cursors.find((c) => c.stream === streamName(stream));
      return {
        stream,
        status: (cursor?.status ?? "idle") as StreamStatus,
        sinceId: cursor?.sinceId ?? null,
        lastError: cursor?.lastError ?? null,
        failures: cursor?.failures ?? 0,
        retryAfter: cursor?.retryAfter?.toISOString() ?? null,
        lastPolledAt: cursor?.lastPolledAt?.toISOString() ?? null,
        lastSuccessAt: cursor?.lastSuccessAt?.toISOString() ?? null,
      };
    });
  }

  /** Posts newer than the cursor, oldest first. */
  private async newPosts(stream: PublicStream, sinceId: string | undefined): Promise<PolledPost[]> {
    const seen = new Map<string, PolledPost>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = await this.deps.api.publicPage(stream, { sinceId, count: PAGE_SIZE, page });
      for (const post of batch) if (!sinceId || BigInt(post.id) > BigInt(sinceId)) seen.set(post.id, post);
      if (batch.length < PAGE_SIZE) break;
      if (page === MAX_PAGES)
        this.deps.log.warn(
          { stream },
          `more than ${MAX_PAGES * PAGE_SIZE} new Weibo ${stream}: the oldest are skipped`,
        );
    }
    return [...seen.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  private classify(error: unknown, failures: number): { status: StreamStatus; backoffMs: number } {
    const grow = (base: number, cap: number) => Math.min(cap, base * 2 ** Math.min(failures - 1, 16));
    const interval = this.deps.intervalMs;
    if (error instanceof WeiboApiError) {
      const code = error.errorCode;
      if (error.httpStatus === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
        return { status: "rate_limited", backoffMs: grow(Math.max(interval, 60_000), 3600_000) };
      }
      if (code !== undefined && AUTH_CODES.has(code))
        return { status: "auth_failed", backoffMs: grow(15 * 60_000, 6 * 3600_000) };
      if ((code !== undefined && PERMISSION_CODES.has(code)) || error.httpStatus === 403) {
        return { status: "permission_denied", backoffMs: grow(15 * 60_000, 6 * 3600_000) };
      }
    }
    return { status: "error", backoffMs: grow(interval, 30 * 60_000) };
  }

  private async save(
    stream: string,
    data: Partial<{
      sinceId: string;
      status: string;
      lastError: string | null;
      failures: number;
      retryAfter: Date | null;
      lastPolledAt: Date;
      lastSuccessAt: Date;
    }>,
  ) {
    await this.deps.prisma.pollCursor.upsert({ where: { stream }, create: { stream, ...data }, update: data });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

function streamName(stream: PublicStream): string {
  return `weibo:${stream}`;
}
