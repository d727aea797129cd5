// Answering a platform push within its time limit. WeChat and Weibo wait 5 s for the
// HTTP answer, then drop the connection and retry the same message (3 tries in all).
// So each try, in whichever process it lands:
//   1. claims the message in Redis (SET NX); the first claim does the work, and
//      every other try — concurrent or later — waits for that work's result;
//   2. the decision — answer now, or answer later through the platform's API — is
//      written once (SET NX) and every try reads the same one, so all tries give
//      the same reply and the answer is delivered exactly once;
//   3. work still running at the budget, or started while the process is already
//      busy with `maxInFlight` others, is answered later: the try replies "nothing
//      now" at once (WeChat's `success`) and the answer goes out through the
//      outbound queue when ready, or the message is queued for a worker (shedding).
// Without Redis each try works on its own; the database's idempotency on the
// message id still prevents a second ticket.
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

// Written when a decision is made, unless one exists (then returned): one round trip.
// The claim lives as long as the decision, so a late retry finds both.
const DECIDE = `
local existing = redis.call("GET", KEYS[1])
if existing then return existing end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
redis.call("PEXPIRE", KEYS[2], ARGV[2])
return false`;

const CLAIM_MS = 60_000;
// WeChat's tries span ~15 s; a retry after this still gets the same answer from the database.
const DECISION_MS = 120_000;
const POLL_MS = 20;
const LATER: PassiveDecision = { later: true };

type Timeout = { timeout: true };

export class PassiveReplies {
  private working = 0;

  constructor(private readonly o: PassiveReplyOptions) {
    o.redis.defineCommand("passiveDecide", { numberOfKeys: 2, lua: DECIDE });
  }

  /** Messages this process is working on right now. */
  get inFlight(): number {
    return this.working;
  }

  /** `waitedMs`: how long the push already waited before it got here (the platform's clock started earlier). */
  async answer(job: PassiveJob, waitedMs = 0): Promise<PassiveDecision> {
    const deadline = Date.now() + this.o.budgetMs - waitedMs;
    for (;;) {
      const claim = await this.claim(job.key);
      if (claim !== "taken") return this.work(job, deadline);
      const settled = await this.awaitDecision(job.key, deadline);
      if (settled === "orphaned") continue; // the claimant failed: this try takes over
      if (settled === "timeout") return this.decide(job.key, LATER);
      return settled;
    }
  }

  private async work(job: PassiveJob, deadline: number): Promise<PassiveDecision> {
    if (this.working >= this.o.maxInFlight) {
      const decision = await this.decide(job.key, LATER);
      try {
        await job.shed();
        return decision;
      } catch (error) {
        // The queue is unreachable: work here after all, and answer later.
        this.o.log.warn({ err: error, key: job.key }, "cannot shed a push to the queue; working on it here");
        this.finishLater(job, this.track(job.work()));
        return decision;
      }
    }

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

  private async claim(key: string): Promise<"claimed" | "taken" | "uncoordinated"> {
    try {
      return (await this.o.redis.set(this.claimKey(key), "1", "PX", CLAIM_MS, "NX")) === "OK" ? "claimed" : "taken";
    } catch {
      return "uncoordinated";
    }
  }

  private async release(key: string): Promise<void> {
    await this.o.redis.del(this.claimKey(key)).catch(() => undefined);
  }

  /** Writes `wanted` unless a decision exists; returns the decision every try will use. */
  private async decide(key: string, wanted: PassiveDecision): Promise<PassiveDecision> {
    try {
      const redis = this.o.redis as Redis & { passiveDecide(decision: string, claim: string, value: string, ttl: number): Promise<string | null> };
      const stored = await redis.passiveDecide(this.decisionKey(key), this.claimKey(key), JSON.stringify(wanted), DECISION_MS);
      return stored ? (JSON.parse(stored) as PassiveDecision) : wanted;
    } catch {
      return wanted;
    }
  }

  private async promisedLater(key: string): Promise<boolean> {
    const stored = await this.o.redis.get(this.decisionKey(key)).catch(() => null);
    return !!stored && "later" in (JSON.parse(stored) as PassiveDecision);
  }

  /** Waits for the claimant's decision until the deadline; "orphaned" when the claim vanished without one. */
  private async awaitDecision(key: string, deadline: number): Promise<PassiveDecision | "orphaned" | "timeout"> {
    for (;;) {
      let decision: string | null | undefined;
      let claim: string | null | undefined;
      try {
        [decision, claim] = await this.o.redis.mget(this.decisionKey(key), this.claimKey(key));
      } catch {
        return "timeout";
      }
      if (decision) return JSON.parse(decision) as PassiveDecision;
      if (!claim) return "orphaned";
      if (Date.now() >= deadline) return "timeout";
      await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
    }
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
