// Against forged and replayed pushes. In WeChat's plaintext and compatible modes and on
// Weibo the signature covers only the secret, the timestamp and the nonce — not the
// body — so a signature seen once (in a log, a proxy) would sign any body. Two checks
// close that:
//   - freshness: a push whose timestamp is more than `maxSkewSeconds` from our clock
//     is refused, so an old signature is worthless;
//   - replay: the first push with a (timestamp, nonce) records a hash of its body in
//     Redis, for twice the window (by then the timestamp is stale anyway). Another push
//     with the same pair and the SAME body is the platform retrying (or a harmless
//     replay of the same message): it goes on, and the message-id idempotency answers
//     it from the stored outcome. The same pair with ANOTHER body is a forgery: refused.
// WeChat signs each retry afresh (new timestamp and nonce) in practice, but nothing in
// the protocol promises it; comparing bodies is right either way.
// A push that cannot be checked (Redis unreachable) is refused with 503 — the platform
// retries — rather than processed unchecked.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { HttpError } from "../../src/http/error-handler.ts";

/** Default ± window, in seconds, around our clock that a push's timestamp must fall in. */
export const DEFAULT_PUSH_MAX_SKEW_SECONDS = 300;

// One round trip: record the body's hash unless the pair is known; 1 = new, 2 = same body, 0 = another body.
const ADMIT_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 2 end
return 0`;

export type Admission = "new" | "retry";

export interface PushGuardOptions {
  redis: Redis;
  /** Key prefix (the hub's queue prefix), so hubs sharing a Redis keep apart. */
  prefix: string;
  maxSkewSeconds: number;
  /** Milliseconds since the epoch; tests inject a clock. */
  now?: () => number;
}

export class PushGuard {
  private readonly now: () => number;

  constructor(private readonly o: PushGuardOptions) {
    this.now = o.now ?? Date.now;
  }

  get maxSkewSeconds(): number {
    return this.o.maxSkewSeconds;
  }

  /** 401 unless `timestamp` is within the window around now. */
  checkFresh(timestamp: string | undefined): void {
    const at = pushTimeMs(timestamp);
    if (at === undefined) throw new HttpError(401, "timestamp is missing or not a time");
    if (Math.abs(this.now() - at) > this.o.maxSkewSeconds * 1000) {
      throw new HttpError(401, `timestamp is more than ${this.o.maxSkewSeconds} s away from the server's clock`);
    }
  }

  /**
   * Call after the signature matched: checks freshness, then records the push. 401 when its
   * timestamp and nonce already came with another body; "retry" when with this same body.
   */
  async admit(channel: string, query: { timestamp?: string; nonce?: string }, body: string): Promise<Admission> {
    this.checkFresh(query.timestamp);
    if (!query.nonce) throw new HttpError(401, "nonce is missing");
    const key = `${this.o.prefix}:push-seen:${channel}:${digest(`${query.timestamp}\u0000${query.nonce}`)}`;
    let result: unknown;
    try {
      result = await this.o.redis.eval(ADMIT_LUA, 1, key, digest(body), String(this.o.maxSkewSeconds * 2));
    } catch {
      throw new HttpError(503, "cannot check the push for replay now (Redis unreachable); try again");
    }
    if (result === 1) return "new";
    if (result === 2) return "retry";
    throw new HttpError(401, "this signature was already used for another message");
  }
}

/**
 * A push timestamp in milliseconds. WeChat sends seconds, Weibo milliseconds (its wiki's
 * vector is 1397022061823): 12 digits or more can only be milliseconds (10^11 s is year 5138).
 */
export function pushTimeMs(timestamp: string | undefined): number | undefined {
  if (!timestamp || !/^\d{1,13}$/.test(timestamp)) return undefined;
  const value = Number(timestamp);
  return timestamp.length >= 12 ? value : value * 1000;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 32);
}
