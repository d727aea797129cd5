// Every queue consumer the hub has, started together and closed together.
import type { Worker } from "bullmq";
import { inboundHandlers } from "../connectors/shared/channel-module.ts";
import { createInboundWorker } from "../connectors/shared/inbound-worker.ts";
import { recoverLostJobs } from "./cases/lost-job-recovery.ts";
import { Reconciler } from "./queue/reconciler.ts";
import { type Hub, intakeTimes } from "./hub.ts";
import { createIntakeReminderWorker } from "./conversation/intake-reminder.ts";
import { createHandoffTimeoutWorker } from "./conversation/handoff-timeout.ts";
import { createDeadlineWorker } from "./cases/deadline-worker.ts";
import { createOutboundWorker } from "./outbound/outbound-worker.ts";
import { createRoutingWorker } from "./cases/routing-worker.ts";
import { createRetentionWorker, scheduleRetention } from "./cases/retention-worker.ts";
import { QueueNames } from "./queue/queue-names.ts";
import { createOpinionWorker } from "./opinion/opinion-worker.ts";
import { loadOpinionRecorder } from "./opinion/load-opinion-recorder.ts";
import { recoverOpinionJobs } from "./opinion/opinion-job-recovery.ts";
import type { OpinionRecorder } from "./opinion/opinion-recorder.ts";
import { loadGazetteer } from "./knowledge/load-gazetteer.ts";
import { resolveAlertSettings } from "./opinion/alert-settings.ts";
import { createAlertDeliveryWorker } from "./opinion/alert-delivery.ts";
import { MonitorStore } from "./opinion/monitor-store.ts";
import { OpinionMonitorService } from "./opinion/opinion-monitor-service.ts";
import { RedisLease } from "./opinion/redis-lease.ts";

export interface Workers {
  /** The running workers (their job counts go to /metrics). */
  readonly list: readonly Worker[];
  close(): Promise<void>;
}

export function startWorkers(hub: Hub): Workers {
  const deps = {
    redisUrl: hub.redisUrl,
    prefix: hub.config.queuePrefix,
    prisma: hub.db.prisma,
    log: hub.log,
    lockDurationMs: hub.config.workerLockMs,
    outage: hub.redisOutage,
  };
  // The opinion analyzer is loaded on the first job (about a second), once per process.
  let recorder: Promise<OpinionRecorder> | undefined;
  const workers: Worker[] = [
    createRoutingWorker({
      ...deps,
      route: (ticketId) => hub.cases.route(ticketId),
      routeToDispatchCentre: (ticketId, note) => hub.cases.routeToDispatchCentre(ticketId, note),
    }),
    createOutboundWorker({ ...deps, senders: hub.senders }),
    createInboundWorker({ ...deps, handlers: inboundHandlers(hub.channels.values()) }),
    createDeadlineWorker({ ...deps, timers: hub.cases.timers }),
    createRetentionWorker({ ...deps, policy: hub.config.retention }),
    createIntakeReminderWorker({ ...deps, times: intakeTimes(hub.config), onOutboxWritten: () => hub.relay.kick() }),
    createHandoffTimeoutWorker({ ...deps, desk: hub.handoffs }),
    createOpinionWorker({
      ...deps,
      sql: hub.db.sql,
      recorder: () =>
        (recorder ??= loadOpinionRecorder(hub.config.intentsDir).catch((error: unknown) => {
          recorder = undefined; // tried again on the next job
          throw error;
        })),
    }),
  ];
  const webhook = hub.config.opinion.alertWebhook;
  if (webhook) workers.push(createAlertDeliveryWorker({ ...deps, webhook }));
  const monitor = startOpinionMonitor(hub);
  const retentionQueue = hub.queues.get(QueueNames.retention)!;
  // The channels' own consumers and schedules (e.g. pollers of a platform's public streams).
  for (const channel of hub.channels.values())
    workers.push(...(channel.startWorkers?.({ ...deps, queues: hub.queues }) ?? []));
  // Timers and jobs are rebuilt from the database at start, so none is lost with Redis's data.
  const everyMs = hub.config.cases.timerReconcileMs;
  const reconciler = new Reconciler(
    [
      { name: "deadline timers", run: () => hub.cases.timers.rebuild() },
      // Rows younger than a round are the outbox relay's to add.
      {
        name: "lost jobs",
        run: () => recoverLostJobs({ prisma: hub.db.prisma, queues: hub.queues, graceMs: Math.min(everyMs, 60_000) }),
      },
      // A citizen message whose opinion-analysis job was lost with Redis's data (the last day's).
      {
        name: "opinion jobs",
        run: () =>
          recoverOpinionJobs({
            prisma: hub.db.prisma,
            queue: hub.queues.get(QueueNames.opinionAnalysis),
            graceMs: Math.min(everyMs, 60_000),
          }),
      },
      // A citizen whose pick-up timeout was lost with Redis's data is told now.
      { name: "hand-off timeouts", run: () => hub.handoffs.expireOverdue() },
      // Also put back a schedule lost with Redis's data (or never made while Redis was down).
      {
        name: "retention schedule",
        run: () => scheduleRetention(retentionQueue, { ...hub.config.retention, timeZone: hub.config.timeZone }),
      },
    ],
    hub.log,
    everyMs,
    hub.redisOutage,
  );
  reconciler.start();
  return {
    list: workers,
    // close() waits for jobs in progress to finish.
    close: async () => {
      await monitor.stop();
      await reconciler.stop();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

/** The hub's one opinion monitor: every worker process runs the service, the lease holder runs the monitor. */
function startOpinionMonitor(hub: Hub): OpinionMonitorService {
  const levels = hub.config.opinion.alertLevels;
  // Validated here, at start: a wrong level setting stops the start.
  const alerts = levels ? { levels: resolveAlertSettings({ levels }).levels } : undefined;
  const service = new OpinionMonitorService({
    // No webhook: nothing to send (the workbench reads the alerts table).
    store: new MonitorStore(hub.db.sql, { deliver: hub.config.opinion.alertWebhook !== undefined }),
    lease: new RedisLease(hub.redis, `${hub.config.queuePrefix}:opinion-monitor:lease`, 15_000),
    regions: () => loadGazetteer(hub.config.intentsDir),
    ...(alerts ? { alerts } : {}),
    log: hub.log,
    onQueued: () => hub.relay.kick(),
    onError: (error) => hub.redisOutage.noted("opinion monitor", error, "opinion monitor round failed"),
  });
  service.start();
  return service;
}
