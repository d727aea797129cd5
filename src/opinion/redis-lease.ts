// A lease held in Redis, so exactly one process at a time does a piece of work (the hub's one
// opinion monitor): SET NX PX takes it, the holder renews it well before it expires, and
// renewal and release only touch the key while it still holds this holder's token. A holder
// that stops releases it at once; one that dies loses it when it expires, and another takes over.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export class RedisLease {
  private readonly token = randomUUID();
  private held = false;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly ttlMs: number,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lease if it is free, or keeps it if this holder has it; answers whether it is held now. */
  async acquire(): Promise<boolean> {
    if (this.held) return this.renew();
    this.held = (await this.redis.set(this.key, this.token, "PX", this.ttlMs, "NX")) === "OK";
    return this.held;
  }

  /** Extends the lease; false when it was lost (expired and taken, or Redis forgot it). */
  async renew(): Promise<boolean> {
    this.held = (await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs))) === 1;
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
