// Answering a platform push within its time limit. WeChat and Weibo wait 5 s for the
// HTTP answer, then drop the connection and retry the same message (3 tries in all).
// So each try, in whichever process it lands:
//   1. claims the message in Redis; the first claim does the work, and every other
//      try — concurrent or later — waits for that work's result;
//   2. the decision — answer now, or answer later through the platform's API — is
//      written once and every try reads the same one, so all tries give the same
//      reply and the answer is delivered exactly once;
//   3. work still running at the budget is answered later: the try replies "nothing
//      now" (WeChat's `success`) and the answer goes out through the outbound queue
//      when ready. A push that arrives while the process is overloaded — already
//      working on `maxInFlight` others, or so busy that the push waited a quarter of
//      the budget before it got here — is not worked on at all: it is queued for a
//      worker and answered the same later way (shedding), so no try waits long.
// Without Redis each try works on its own; the database's idempotency on the
// message id still prevents a second ticket.
import { type EventLoopUtilization, performance } from "node:perf_hooks";
import type { Redis } from "ioredis";
import type { Reply } from "../../src/conversation/messages.ts";
import type { Logger } from "../../src/logger.ts";

/** `now`: reply with these; `later`: reply "nothing now", the answer follows through the platform's API. */
export type PassiveDecision = { now: Reply[] } | { later: true };

export interface PassiveJob {
  /** Unique per platform message; every retry of it has the same key. */
  key: string;
  /** Produces the replies; idempotent (a retry after a crash produces the same). */
  work(): Promise<Reply[]>;
  /** Sends replies that missed the budget through the platform's API (the outbound queue). */
  sendLater(replies: Reply[]): Promise<void>;
  /** Hands the message to a queue worker instead of working on it here. */
  shed(): Promise<void>;
}

export interface PassiveReplyOptions {
  /** A connection of its own: it is auto-pipelined (the commands of concurrent pushes share writes). */
  redis: Redis;
  prefix: string;
  log: Logger;
  /** How long a try may wait for its answer; 0 = always answer later. */
  budgetMs: number;
  /** Messages this process works on at once before it sheds new ones to the queue. */
  maxInFlight: number;
}

// Each script is one round trip. KEYS: claim, decision. ARGV: claim ttl, decision ttl, decision to write.
// claim: an existing decision wins; else a live claim means another try is working;
// else this try claims — and, when it sheds, decides "later" in the same step.
const CLAIM = `
local decided = redis.call("GET", KEYS[2])
if decided then return {"decided", decided} end
if redis.call("SET", KEYS[1], "1", "PX", ARGV[1], "NX") == false then return {"taken"} end
if ARGV[3] ~= "" then
  redis.call("SET", KEYS[2], ARGV[3], "PX", ARGV[2])
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return {"claimed"}`;
// decide: writes the decision unless one exists, and returns the one that holds.
const DECIDE = `
local decided = redis.call("GET", KEYS[2])
if decided then return decided end
redis.call("SET", KEYS[2], ARGV[3], "PX", ARGV[2])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return ARGV[3]`;

interface ScriptedRedis {
  passiveClaim(claim: string, decision: string, claimMs: number, decisionMs: number, shedDecision: string): Promise<[string, string?]>;
  passiveDecide(claim: string, decision: string, claimMs: number, decisionMs: number, wanted: string): Promise<string>;
}

const CLAIM_MS = 60_000;
// WeChat's tries span ~15 s; a retry after this still gets the same answer from the database.
const DECISION_MS = 120_000;
const POLL_MS = 20;
const LATER: PassiveDecision = { later: true };
const LATER_JSON = JSON.stringify(LATER);
/** A push that waited this share of the budget before it was looked at finds the process overloaded. */
const OVERLOADED_WAIT_SHARE = 0.25;
/** Queued work yields to pushes while the event loop is busier than this… */
const BUSY_LOOP = 0.6;
/** …and while pushes arrived this recently (a worker-only process never waits). */
const RECENT_PUSH_MS = 2_000;
const LOOP_SAMPLE_MS = 250;
const WARN_EVERY_MS = 30_000;

type Timeout = { timeout: true };
type Claim = "claimed" | "taken" | "uncoordinated" | { decided: PassiveDecision };

export class PassiveReplies {
  private working = 0;
  private lastPushAt = 0;
  private loop: { sampledAt: number; since: EventLoopUtilization; utilization: number } | undefined;
  private readonly redis: Redis & ScriptedRedis;
  private lastRedisWarning = 0;

  constructor(private readonly o: PassiveReplyOptions) {
    o.redis.defineCommand("passiveClaim", { numberOfKeys: 2, lua: CLAIM });
    o.redis.defineCommand("passiveDecide", { numberOfKeys: 2, lua: DECIDE });
    this.redis = o.redis as Redis & ScriptedRedis;
  }

  /** Messages this process is working on right now. */
  get inFlight(): number {
    return this.working;
  }

  /** `waitedMs`: how long the push already waited before it got here (the platform's clock started earlier). */
  async answer(job: PassiveJob, waitedMs = 0): Promise<PassiveDecision> {
    this.lastPushAt = Date.now();
    const deadline = Date.now() + this.o.budgetMs - waitedMs;
    for (;;) {
      const shedding = this.overloaded(deadline);
      const claim = await this.claim(job.key, shedding);
      if (typeof claim === "object") return claim.decided;
      if (claim === "taken") {
        const settled = await this.awaitDecision(job.key, deadline);
        if (settled === "orphaned") continue; // the claimant failed: this try takes over
        if (settled === "timeout") return this.decide(job.key, LATER);
        return settled;
      }
      return shedding ? this.shed(job) : this.work(job, deadline);
    }
  }

  /**
   * Resolves once queued work may run here without slowing passive answers: at once in a
   * process that serves no pushes, else when few pushes are in flight and the event loop
   * has room. Answering pushes in time matters more than draining a backlog.
   */
  async whenCalm(): Promise<void> {
    while (Date.now() - this.lastPushAt < RECENT_PUSH_MS && (this.working >= Math.max(1, this.o.maxInFlight / 2) || this.loopUtilization() > BUSY_LOOP)) {
      await sleep(LOOP_SAMPLE_MS / 2);
    }
  }

  private overloaded(deadline: number): boolean {
    const waited = this.o.budgetMs - (deadline - Date.now());
    return this.working >= this.o.maxInFlight || (this.o.budgetMs > 0 && waited >= this.o.budgetMs * OVERLOADED_WAIT_SHARE);
  }

  /** Claimed while overloaded ("later" is already decided): queue the message for a worker. */
  private async shed(job: PassiveJob): Promise<PassiveDecision> {
    try {
      await job.shed();
    } catch (error) {
      // The queue is unreachable: work here after all, and answer later.
      this.o.log.warn({ err: error, key: job.key }, "cannot shed a push to the queue; working on it here");
      this.finishLater(job, this.track(job.work()));
    }
    return LATER;
  }

  private async work(job: PassiveJob, deadline: number): Promise<PassiveDecision> {
    const working = this.track(job.work());
    let result: Reply[] | Timeout;
    try {
      result = await withDeadline(working, deadline);
    } catch (error) {
      // A waiting retry may already have promised "later": keep it through the queue.
      if (await this.promisedLater(job.key)) {
        await job.shed().catch((shedError: unknown) => this.o.log.error({ err: shedError, key: job.key }, "message could not be answered"));
        return LATER;
      }
      // Nothing promised yet: let the platform's next try (in any process) start over.
      await this.release(job.key);
      throw error;
    }
    if ("timeout" in result) {
      const decision = await this.decide(job.key, LATER);
      if ("later" in decision) this.finishLater(job, working);
      return decision;
    }
    const decision = await this.decide(job.key, { now: result });
    // A waiting retry ran out of time first and told the platform "later": keep that promise.
    if ("later" in decision) await job.sendLater(result);
    return decision;
  }

  private track(work: Promise<Reply[]>): Promise<Reply[]> {
    this.working++;
    return work.finally(() => this.working--);
  }

  private finishLater(job: PassiveJob, working: Promise<Reply[]>): void {
    void working
      .then((replies) => job.sendLater(replies))
      .catch(async (error: unknown) => {
        this.o.log.warn({ err: error, key: job.key }, "answer missed its passive budget and failed; queueing the message again");
        await job.shed().catch((shedError: unknown) => this.o.log.error({ err: shedError, key: job.key }, "message could not be answered"));
      });
  }

  private async claim(key: string, shedding: boolean): Promise<Claim> {
    try {
      const [state, decided] = await this.redis.passiveClaim(this.claimKey(key), this.decisionKey(key), CLAIM_MS, DECISION_MS, shedding ? LATER_JSON : "");
      if (state === "decided") return { decided: JSON.parse(decided!) as PassiveDecision };
      return state === "taken" ? "taken" : "claimed";
    } catch (error) {
      if (Date.now() - this.lastRedisWarning >= WARN_EVERY_MS) {
        this.lastRedisWarning = Date.now();
        this.o.log.warn({ err: error }, "Redis unavailable: pushes are answered without coordinating retries across processes");
      }
      return "uncoordinated";
    }
  }

  private async release(key: string): Promise<void> {
    await this.redis.del(this.claimKey(key)).catch(() => undefined);
  }

  /** Writes `wanted` unless a decision exists; returns the decision every try will use. */
  private async decide(key: string, wanted: PassiveDecision): Promise<PassiveDecision> {
    try {
      return JSON.parse(await this.redis.passiveDecide(this.claimKey(key), this.decisionKey(key), CLAIM_MS, DECISION_MS, JSON.stringify(wanted))) as PassiveDecision;
    } catch {
      return wanted;
    }
  }

  private async promisedLater(key: string): Promise<boolean> {
    const stored = await this.redis.get(this.decisionKey(key)).catch(() => null);
    return !!stored && "later" in (JSON.parse(stored) as PassiveDecision);
  }

  /** Waits for the claimant's decision until the deadline; "orphaned" when the claim vanished without one. */
  private async awaitDecision(key: string, deadline: number): Promise<PassiveDecision | "orphaned" | "timeout"> {
    for (;;) {
      let decision: string | null | undefined;
      let claim: string | null | undefined;
      try {
        [decision, claim] = await this.redis.mget(this.decisionKey(key), this.claimKey(key));
      } catch {
        return "timeout";
      }
      if (decision) return JSON.parse(decision) as PassiveDecision;
      if (!claim) return "orphaned";
      if (Date.now() >= deadline) return "timeout";
      await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
    }
  }

  /** The event loop's utilization over the last sample period (0–1). */
  private loopUtilization(): number {
    const now = Date.now();
    if (!this.loop) {
      this.loop = { sampledAt: now, since: performance.eventLoopUtilization(), utilization: 0 };
    } else if (now - this.loop.sampledAt >= LOOP_SAMPLE_MS) {
      const current = performance.eventLoopUtilization();
      this.loop = { sampledAt: now, since: current, utilization: performance.eventLoopUtilization(current, this.loop.since).utilization };
    }
    return this.loop.utilization;
  }

  private claimKey(key: string): string {
    return `${this.o.prefix}:push:${key}:claim`;
  }

  private decisionKey(key: string): string {
    return `${this.o.prefix}:push:${key}:decision`;
  }
}

async function withDeadline<T>(work: Promise<T>, deadline: number): Promise<T | Timeout> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) {
    // Budget 0: give the work no chance to answer now, but let it run.
    work.catch(() => undefined);
    return { timeout: true };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Timeout>((resolve) => {
    timer = setTimeout(() => resolve({ timeout: true }), remaining);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
