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
//
// A crash never loses a push: the claim also writes the push itself, as the job a
// queue worker would run, into a pending set with a time it is due (same script,
// same round trip). Deciding "now" removes it; so does having recorded the later
// answer. Whatever is still pending when due — the claimant died before deciding,
// or promised "later" and died before the answer was recorded, or the push was
// shed — is taken over by the safety net (push-safety-net.ts): it decides "later"
// (so the platform's retries get "nothing now"), and hands the job to the inbound
// queue, keyed on the message, whose worker answers it. The pipeline's idempotency
// on the message id makes a repeated run answer the same and file nothing twice.
//
// Without Redis each try works on its own; the database's idempotency on the
// message id still prevents a second ticket.
import { readFileSync } from "node:fs";
import { type EventLoopUtilization, performance } from "node:perf_hooks";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";

/**
 * `now`: reply with this answer; `later`: reply "nothing now", the answer follows through the
 * platform's API. The answer is whatever the channel's work produces (replies, for the connectors).
 */
export type PassiveDecision<Answer> = { now: Answer } | { later: true };

/** What a queue worker runs to answer a push later: the inbound queue's job name (the channel) and data. */
export interface QueuedJob {
  name: string;
  data: unknown;
}

export interface PassiveJob<Answer> {
  /** Unique per platform message; every retry of it has the same key. */
  key: string;
  /** Produces the answer; idempotent (a retry after a crash produces the same). */
  work(): Promise<Answer>;
  /** Sends an answer that missed the budget through the platform's API (the outbound queue); idempotent. */
  sendLater(answer: Answer): Promise<void>;
  /** The job that answers this push in a queue worker (when shed, or after a crash). */
  queued: QueuedJob;
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

/** A pending push taken over by the safety net: its key and the job that answers it. */
export interface TakenOver {
  key: string;
  job: QueuedJob;
  /** Shed under load (the normal way); otherwise its claimant died or stalled. */
  shed: boolean;
}

// Each script is one round trip, in a .lua file beside this one (as BullMQ keeps its
// commands); the pending set's times are Redis's clock, shared by every process.
const script = (name: string) => readFileSync(new URL(`./${name}.lua`, import.meta.url), "utf8");
const SCRIPTS = {
  passiveClaim: { numberOfKeys: 4, lua: script("passive-claim") },
  passiveDecide: { numberOfKeys: 4, lua: script("passive-decide") },
  passiveSettle: { numberOfKeys: 2, lua: script("passive-settle") },
  passiveReschedule: { numberOfKeys: 1, lua: script("passive-reschedule") },
  passiveTakeOver: { numberOfKeys: 2, lua: script("passive-take-over") },
};

interface ScriptedRedis {
  passiveClaim(
    claim: string,
    decision: string,
    pending: string,
    jobs: string,
    claimMs: number,
    decisionMs: number,
    shedDecision: string,
    key: string,
    job: string,
    dueInMs: number,
  ): Promise<[string, string?]>;
  passiveDecide(
    claim: string,
    decision: string,
    pending: string,
    jobs: string,
    claimMs: number,
    decisionMs: number,
    wanted: string,
    key: string,
    laterDueInMs: number | "",
  ): Promise<string>;
  passiveSettle(pending: string, jobs: string, ...keys: string[]): Promise<number>;
  passiveReschedule(pending: string, key: string, dueInMs: number): Promise<number>;
  passiveTakeOver(
    pending: string,
    jobs: string,
    decisionPrefix: string,
    decisionSuffix: string,
    later: string,
    decisionMs: number,
    leaseMs: number,
    limit: number,
  ): Promise<string[]>;
}

const CLAIM_MS = 60_000;
// WeChat's tries span ~15 s; a retry after this still gets the same answer from the database.
const DECISION_MS = 120_000;
const POLL_MS = 20;
const LATER = { later: true } as const;
const LATER_JSON = JSON.stringify(LATER);
/** A claimant that has not decided this long after its budget ran out is taken to be dead. */
const DECIDE_GRACE_MS = 5_000;
/** How long a claimant that promised "later" may take to record the answer before the safety net does it. */
export const LATER_TAKEOVER_MS = 30_000;
/** A taken-over push is due again after this unless it was handed on to the queue. */
const TAKEOVER_LEASE_MS = 30_000;
/** A push that waited this share of the budget before it was looked at finds the process overloaded. */
const OVERLOADED_WAIT_SHARE = 0.25;
/** Queued work yields to pushes while the event loop is busier than this… */
const BUSY_LOOP = 0.6;
/** …and while pushes arrived this recently (a worker-only process never waits). */
const RECENT_PUSH_MS = 2_000;
const LOOP_SAMPLE_MS = 250;
/** A pending job is stored after one character telling how it got there. */
const SHED_MARK = "s";
const WORK_MARK = "w";

// The work missed its deadline (a symbol: an answer can be anything, even one with a `timeout` field).
const TIMEOUT: unique symbol = Symbol("timeout");
type Timeout = typeof TIMEOUT;
type Claim<Answer> = "claimed" | "taken" | "uncoordinated" | { decided: PassiveDecision<Answer> };

export class PassiveReplies {
  private working = 0;
  private lastPushAt = 0;
  private loop: { sampledAt: number; since: EventLoopUtilization; utilization: number } | undefined;
  private readonly redis: Redis & ScriptedRedis;
  /** Redis failed the last claim: logged once when it starts failing and once when it answers again. */
  private redisDown = false;
  private readonly pendingKey: string;
  private readonly jobsKey: string;

  constructor(private readonly o: PassiveReplyOptions) {
    for (const [name, definition] of Object.entries(SCRIPTS)) o.redis.defineCommand(name, definition);
    this.redis = o.redis as Redis & ScriptedRedis;
    this.pendingKey = `${o.prefix}:push:pending`;
    this.jobsKey = `${o.prefix}:push:pending:jobs`;
  }

  /** Messages this process is working on right now. */
  get inFlight(): number {
    return this.working;
  }

  /** `waitedMs`: how long the push already waited before it got here (the platform's clock started earlier). */
  async answer<Answer>(job: PassiveJob<Answer>, waitedMs = 0): Promise<PassiveDecision<Answer>> {
    this.lastPushAt = Date.now();
    const deadline = Date.now() + this.o.budgetMs - waitedMs;
    for (;;) {
      const shedding = this.overloaded(deadline);
      const claim = await this.claim(job, shedding, deadline);
      if (typeof claim === "object") return claim.decided;
      if (claim === "taken") {
        const settled = await this.awaitDecision<Answer>(job.key, deadline);
        if (settled === "orphaned") continue; // the claimant failed: this try takes over
        // The claimant has not decided within this try's budget: "later". If the claimant
        // is gone, the safety net answers when the claim's own due time comes.
        if (settled === "timeout") return this.decide<Answer>(job.key, LATER, 0);
        return settled;
      }
      if (claim === "uncoordinated") return this.workUncoordinated(job, deadline);
      // Shed: "later" is decided and the push is pending, due now, for the safety net to queue.
      return shedding ? LATER : this.work(job, deadline);
    }
  }

  /**
   * Pushes whose claimant never decided, or promised "later" and never recorded the
   * answer, or that were shed: decided "later" and leased to the caller, which hands
   * their jobs on and then calls settle(). Redis errors propagate.
   */
  async takeOverDue(limit: number): Promise<TakenOver[]> {
    const flat = await this.redis.passiveTakeOver(
      this.pendingKey,
      this.jobsKey,
      `${this.o.prefix}:push:`,
      ":decision",
      LATER_JSON,
      DECISION_MS,
      TAKEOVER_LEASE_MS,
      limit,
    );
    const taken: TakenOver[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const stored = flat[i + 1]!;
      taken.push({ key: flat[i]!, job: JSON.parse(stored.slice(1)) as QueuedJob, shed: stored.startsWith(SHED_MARK) });
    }
    return taken;
  }

  /** The answers to these pushes are recorded (or queued): they are no longer pending. */
  async settle(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.passiveSettle(this.pendingKey, this.jobsKey, ...keys);
  }

  /**
   * Resolves once queued work may run here without slowing passive answers: at once in a
   * process that serves no pushes, else when few pushes are in flight and the event loop
   * has room. Answering pushes in time matters more than draining a backlog.
   */
  async whenCalm(): Promise<void> {
    while (
      Date.now() - this.lastPushAt < RECENT_PUSH_MS &&
      (this.working >= Math.max(1, this.o.maxInFlight / 2) || this.loopUtilization() > BUSY_LOOP)
    ) {
      await sleep(LOOP_SAMPLE_MS / 2);
    }
  }

  private overloaded(deadline: number): boolean {
    const waited = this.o.budgetMs - (deadline - Date.now());
    return (
      this.working >= this.o.maxInFlight || (this.o.budgetMs > 0 && waited >= this.o.budgetMs * OVERLOADED_WAIT_SHARE)
    );
  }

  private async work<Answer>(job: PassiveJob<Answer>, deadline: number): Promise<PassiveDecision<Answer>> {
    const working = this.track(job.work());
    let result: Answer | Timeout;
    try {
      result = await withDeadline(working, deadline);
    } catch (error) {
      // A waiting retry may already have promised "later": the safety net keeps that promise now.
      if (await this.promisedLater(job.key)) {
        this.o.log.warn(
          { err: error, key: job.key },
          "answer promised for later failed; the queue takes the message over",
        );
        await this.reschedule(job.key, 0);
        return LATER;
      }
      // Nothing promised yet: let the platform's next try (in any process) start over.
      // Should none come, the push is still pending and the safety net answers it.
      await this.release(job.key);
      throw error;
    }
    if (result === TIMEOUT) {
      const decision = await this.decide<Answer>(job.key, LATER, LATER_TAKEOVER_MS);
      if ("later" in decision) this.finishLater(job, working);
      return decision;
    }
    const decision = await this.decide(job.key, { now: result });
    // A waiting retry ran out of time first and told the platform "later": keep that promise.
    if ("later" in decision) {
      await job.sendLater(result);
      await this.settle([job.key]).catch(() => undefined);
    }
    return decision;
  }

  /** Redis is unreachable: nothing to coordinate with, so this try works on its own. */
  private async workUncoordinated<Answer>(job: PassiveJob<Answer>, deadline: number): Promise<PassiveDecision<Answer>> {
    const working = this.track(job.work());
    const result = await withDeadline(working, deadline);
    if (result !== TIMEOUT) return { now: result };
    void working
      .then((answer) => job.sendLater(answer))
      .catch((error: unknown) => this.o.log.error({ err: error, key: job.key }, "message could not be answered"));
    return LATER;
  }

  private track<Answer>(work: Promise<Answer>): Promise<Answer> {
    this.working++;
    return work.finally(() => this.working--);
  }

  private finishLater<Answer>(job: PassiveJob<Answer>, working: Promise<Answer>): void {
    void working
      .then(async (answer) => {
        await job.sendLater(answer);
        await this.settle([job.key]).catch(() => undefined); // else the safety net finds it answered
      })
      .catch(async (error: unknown) => {
        this.o.log.warn(
          { err: error, key: job.key },
          "answer missed its passive budget and failed; the queue takes the message over",
        );
        await this.reschedule(job.key, 0);
      });
  }

  private async claim<Answer>(job: PassiveJob<Answer>, shedding: boolean, deadline: number): Promise<Claim<Answer>> {
    try {
      // Due for the safety net once the claimant should long have decided; a shed push at once.
      const dueInMs = shedding ? 0 : Math.max(0, deadline - Date.now()) + DECIDE_GRACE_MS;
      const [state, decided] = await this.redis.passiveClaim(
        this.claimKey(job.key),
        this.decisionKey(job.key),
        this.pendingKey,
        this.jobsKey,
        CLAIM_MS,
        DECISION_MS,
        shedding ? LATER_JSON : "",
        job.key,
        (shedding ? SHED_MARK : WORK_MARK) + JSON.stringify(job.queued),
        dueInMs,
      );
      if (this.redisDown) {
        this.redisDown = false;
        this.o.log.info("Redis reachable again: pushes are coordinated across processes again");
      }
      if (state === "decided") return { decided: JSON.parse(decided!) as PassiveDecision<Answer> };
      return state === "taken" ? "taken" : "claimed";
    } catch (error) {
      if (!this.redisDown) {
        this.redisDown = true;
        this.o.log.warn(
          { err: error },
          "Redis unavailable: pushes are answered without coordinating retries across processes",
        );
      }
      return "uncoordinated";
    }
  }

  private async release(key: string): Promise<void> {
    await this.redis.del(this.claimKey(key)).catch(() => undefined);
  }

  private async reschedule(key: string, dueInMs: number): Promise<void> {
    await this.redis.passiveReschedule(this.pendingKey, key, dueInMs).catch((error: unknown) => {
      // Still pending at its earlier time: the safety net comes a little later.
      this.o.log.warn({ err: error, key }, "cannot hand a push to the safety net now");
    });
  }

  /**
   * Writes `wanted` unless a decision exists; returns the decision every try will use.
   * `laterDueInMs`: when "later" is written, how long until the safety net takes the push over.
   */
  private async decide<Answer>(
    key: string,
    wanted: PassiveDecision<Answer>,
    laterDueInMs = 0,
  ): Promise<PassiveDecision<Answer>> {
    try {
      const json = await this.redis.passiveDecide(
        this.claimKey(key),
        this.decisionKey(key),
        this.pendingKey,
        this.jobsKey,
        CLAIM_MS,
        DECISION_MS,
        JSON.stringify(wanted),
        key,
        "later" in wanted ? laterDueInMs : "",
      );
      return JSON.parse(json) as PassiveDecision<Answer>;
    } catch {
      return wanted;
    }
  }

  private async promisedLater(key: string): Promise<boolean> {
    const stored = await this.redis.get(this.decisionKey(key)).catch(() => null);
    return !!stored && "later" in (JSON.parse(stored) as PassiveDecision<unknown>);
  }

  /** Waits for the claimant's decision until the deadline; "orphaned" when the claim vanished without one. */
  private async awaitDecision<Answer>(
    key: string,
    deadline: number,
  ): Promise<PassiveDecision<Answer> | "orphaned" | "timeout"> {
    for (;;) {
      let decision: string | null | undefined;
      let claim: string | null | undefined;
      try {
        [decision, claim] = await this.redis.mget(this.decisionKey(key), this.claimKey(key));
      } catch {
        return "timeout";
      }
      if (decision) return JSON.parse(decision) as PassiveDecision<Answer>;
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
      this.loop = {
        sampledAt: now,
        since: current,
        utilization: performance.eventLoopUtilization(current, this.loop.since).utilization,
      };
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
    return TIMEOUT;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Timeout>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), remaining);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
