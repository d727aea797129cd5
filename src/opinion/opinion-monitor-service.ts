// The hub's one opinion monitor. Every worker process runs this service; the one holding the
// Redis lease (redis-lease.ts) runs the monitor, the others wait to take over.
//
// On taking the lease it rebuilds the monitor by replaying stored rows (sentiment, keywords,
// places and domain as stored, no re-analysis) over the monitor's memory — the baseline weeks,
// the longest window with its neighbours, a topic's idle time — before where the last holder
// stopped (OpinionMonitorCursor). Then, every poll, it reads the rows stored since it last
// looked (by createdAt, up to the database's now() minus commitLagMs, so a row still being
// committed is not skipped), feeds them in time order and advances the clock to now minus
// settleMs (the time a message takes to be analysed and stored), so a spike is seen within
// a bucket and a quiet stretch lets alerts calm down.
//
// A row whose time lies before the last evaluated bucket boundary is late (an import of
// history): its bucket's detection has passed. The service then replays from the stored rows
// over the late span, as if they had arrived live (alerts with detectedAt when they would
// have fired), waiting until a poll brings no more late rows (or lateWaitMs) so an import is
// replayed once, not once per batch. Derived ids make every write of a replay idempotent.
import type { Region } from "../knowledge/gazetteer-schema.ts";
import type { Logger } from "../logger.ts";
import type { AlertSettings } from "./alert-settings.ts";
import type { AlertDelivery } from "./alert-changes.ts";
import { HubMonitor, type HubMonitorRetained, type MonitorRow } from "./hub-monitor.ts";
import type { MonitorStore } from "./monitor-store.ts";
import type { RedisLease } from "./redis-lease.ts";

export interface MonitorServiceOptions {
  store: MonitorStore;
  lease: RedisLease;
  /**
   * The gazetteer (intents/regions.yaml) serving now. Asked every round: when it answers another
   * one (a reload of intents/), the monitor is rebuilt from the stored rows, as at a takeover,
   * since topics and alerts are filed under its areas.
   */
  regions: () => readonly Region[];
  alerts?: Partial<AlertSettings>;
  /** The monitor's cap on messages kept in memory (OPINION_MONITOR_MAX_MESSAGES; default DEFAULT_MAX_MESSAGES). */
  maxMessages?: number;
  log: Logger;
  /** Alert changes were written to the outbox (the store queues them with the alert): e.g. kick the relay. */
  onQueued?: () => void;
  /** A failed round (Redis or the database away): reported, and the next round tries again. */
  onError?: (error: unknown) => void;
  /** The clock the monitor advances to; tests drive their own. */
  now?: () => number;
  pollMs?: number;
  commitLagMs?: number;
  settleMs?: number;
  lateWaitMs?: number;
}

export interface ReplayFigures {
  messages: number;
  ms: number;
  writeFrom: number;
}

const REPLAY_PAGE = 5_000;

/** A replay given up: the lease was lost, or the service is stopping (a long replay must not hold up shutdown). */
class Interrupted extends Error {}

export class OpinionMonitorService {
  private state: HubMonitor | undefined;
  /** Rows stored before this (database time text) have been read. */
  private horizon: string | undefined;
  private pendingFrom: number | undefined;
  private pendingSince: number | undefined;
  private lastRenewal = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private regions: readonly Region[] | undefined;
  /** The places `regions` held when the monitor was built, to tell an edit of them from a reload of others. */
  private regionsText: string | undefined;
  /** The last replay's size and speed (reported in docs/opinion.md). */
  lastReplay: ReplayFigures | undefined;
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly commitLagMs: number;
  private readonly settleMs: number;
  private readonly lateWaitMs: number;

  constructor(private readonly options: MonitorServiceOptions) {
    this.now = options.now ?? Date.now;
    this.pollMs = options.pollMs ?? 2_000;
    this.commitLagMs = options.commitLagMs ?? 2_000;
    this.settleMs = options.settleMs ?? 30_000;
    this.lateWaitMs = options.lateWaitMs ?? 30_000;
  }

  /** What the monitor holds now (the gauge hub_opinion_monitor_retained); undefined while this process does not run it. */
  retained(): HubMonitorRetained | undefined {
    return this.active ? this.state!.retained() : undefined;
  }

  /** Whether this process runs the monitor now. */
  get active(): boolean {
    return this.state !== undefined && this.options.lease.isHeld;
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.poll()
        .catch((error: unknown) =>
          this.options.onError
            ? this.options.onError(error)
            : this.options.log.warn({ err: error }, "opinion monitor round failed"),
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops polling, waits for the round in progress and gives the lease up at once (another process takes over). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.state = undefined;
    await this.options.lease.release().catch(() => undefined);
  }

  /** One round: take or keep the lease, then rebuild or read what was stored since. */
  async poll(): Promise<void> {
    const { lease, log } = this.options;
    if (!this.state) {
      if (!(await lease.acquire())) return;
      this.lastRenewal = Date.now();
      log.info({ lease: lease.key }, "opinion monitor took the lease");
      await this.rebuildHolding();
      return;
    }
    if (!(await lease.renew())) {
      this.state = undefined;
      log.warn({ lease: lease.key }, "opinion monitor lost its lease");
      return;
    }
    this.lastRenewal = Date.now();
    if (this.gazetteerChanged()) {
      log.info({ lease: lease.key }, "opinion monitor rebuilds: the gazetteer changed");
      this.state = undefined;
      await this.rebuildHolding();
      return;
    }
    try {
      await this.tail();
    } catch (error) {
      // The state may be half-fed: rebuilt from the stored rows next round.
      this.state = undefined;
      if (!(error instanceof Interrupted)) throw error;
    }
  }

  /**
   * Whether the gazetteer serving now differs from the one the monitor was built with. Every
   * reload of intents/ reads regions.yaml again, so a new array with the same places (an edit
   * elsewhere) is taken without a rebuild.
   */
  private gazetteerChanged(): boolean {
    const now = this.options.regions();
    if (now === this.regions) return false;
    if (JSON.stringify(now) !== this.regionsText) return true;
    this.regions = now;
    return false;
  }

  /** Rebuilds with the lease held; on a failure the lease goes, for this or another process to rebuild. */
  private async rebuildHolding(): Promise<void> {
    try {
      await this.rebuild();
    } catch (error) {
      this.state = undefined;
      if (error instanceof Interrupted) return;
      await this.options.lease.release().catch(() => undefined);
      throw error;
    }
  }

  /** Replays everything stored, from the first row (the whole history; idempotent). */
  async replayAll(): Promise<ReplayFigures> {
    const horizon = await this.options.store.horizon(this.commitLagMs);
    return this.replay(Number.NEGATIVE_INFINITY, horizon);
  }

  private async rebuild(): Promise<void> {
    const { store } = this.options;
    const cursor = await store.cursor();
    const horizon = await store.horizon(this.commitLagMs);
    let writeFrom = Number.NEGATIVE_INFINITY;
    if (cursor) writeFrom = Math.min(cursor.clock, (await store.earliestUnread(cursor.horizon)) ?? cursor.clock);
    await this.replay(writeFrom, horizon);
  }

  /** Rebuilds the monitor from the stored rows; writes and delivers what changed from `writeFrom` on. */
  private async replay(writeFrom: number, horizon: string): Promise<ReplayFigures> {
    const { store, log } = this.options;
    const started = performance.now();
    this.regions = this.options.regions();
    this.regionsText = JSON.stringify(this.regions);
    const memoryMs = new HubMonitor({ regions: [], writeFrom, ...this.alertSettings() }).monitor.memoryMs;
    const from = writeFrom - memoryMs;
    const first = await store.earliestAt(0, horizon);
    const startedAt = first === undefined ? undefined : Math.max(from, first);
    const state = new HubMonitor({
      regions: this.regions,
      writeFrom,
      ...this.alertSettings(),
      ...(startedAt === undefined ? {} : { startedAt }),
    });
    let messages = 0;
    if (startedAt !== undefined) {
      let after: MonitorRow | undefined;
      for (;;) {
        const rows = await store.replayPage(startedAt, horizon, after, REPLAY_PAGE);
        if (rows.length === 0) break;
        state.add(rows);
        messages += rows.length;
        after = rows.at(-1);
        await this.keepLease();
        await this.flush(state);
      }
    }
    state.advanceTo(this.now() - this.settleMs);
    await this.flush(state);
    const clock = state.clock ?? this.now() - this.settleMs;
    this.report(await store.closeAlertsNotIn(state.openAlertIds(), clock));
    await store.deleteEmptyTopics(Number.isFinite(writeFrom) ? writeFrom : 0);
    await store.saveCursor({ horizon, clock });
    this.state = state;
    this.horizon = horizon;
    this.pendingFrom = undefined;
    this.pendingSince = undefined;
    const ms = performance.now() - started;
    this.lastReplay = { messages, ms, writeFrom };
    log.info(
      { messages, ms: Math.round(ms), perSecond: Math.round(messages / Math.max(ms / 1000, 0.001)) },
      "opinion monitor rebuilt from stored rows",
    );
    return this.lastReplay;
  }

  private async tail(): Promise<void> {
    const { store } = this.options;
    const state = this.state!;
    const horizon = await store.horizon(this.commitLagMs);
    const rows = await store.rowsStored(this.horizon!, horizon);
    const clock = state.clock;
    const late = clock === undefined ? [] : rows.filter((row) => row.at < clock);
    if (late.length > 0 || this.pendingFrom !== undefined) {
      // Read (the replay reads them again from the table), not fed: the replay covers them.
      this.horizon = horizon;
      if (late.length > 0) {
        this.pendingFrom = late.reduce(
          (min, row) => Math.min(min, row.at),
          this.pendingFrom ?? Number.POSITIVE_INFINITY,
        );
        this.pendingSince ??= Date.now();
        if (Date.now() - this.pendingSince < this.lateWaitMs) return;
      }
      await this.replay(this.pendingFrom!, horizon);
      return;
    }
    state.add(rows);
    state.advanceTo(this.now() - this.settleMs);
    await this.flush(state);
    this.horizon = horizon;
    await store.saveCursor({ horizon, clock: state.clock ?? this.now() - this.settleMs });
  }

  private async flush(state: HubMonitor): Promise<void> {
    const { store } = this.options;
    const effects = state.take();
    await store.saveTopics(effects.assignments, effects.topics);
    await store.deleteMergedTopics(effects.mergedTopics);
    this.report(await store.saveAlerts(effects.alerts));
  }

  /** Logs each alert change (ids and level, no text); the store has queued them already. */
  private report(deliveries: readonly AlertDelivery[]): void {
    if (deliveries.length === 0) return;
    for (const { alertId, change, level } of deliveries) {
      const said = change === "opened" ? "raised" : change === "raised" ? "updated" : "closed";
      this.options.log.info({ alertId, change, level }, `opinion alert ${said}`);
    }
    this.options.onQueued?.();
  }

  /** Renews the lease during a long replay; a lost lease, or stop(), interrupts the replay. */
  private async keepLease(): Promise<void> {
    const lease = this.options.lease;
    if (this.stopped) throw new Interrupted();
    if (Date.now() - this.lastRenewal < lease.ttlMs / 3) return;
    if (!(await lease.renew())) {
      this.options.log.warn({ lease: lease.key }, "opinion monitor lost its lease");
      throw new Interrupted();
    }
    this.lastRenewal = Date.now();
  }

  private alertSettings(): { alerts?: Partial<AlertSettings>; maxMessages?: number } {
    const { alerts, maxMessages } = this.options;
    return { ...(alerts ? { alerts } : {}), ...(maxMessages === undefined ? {} : { maxMessages }) };
  }
}
