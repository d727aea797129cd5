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
import { recoverOpinionJobs } from "./opinion/opinion-job-recovery.ts";
import { resolveAlertSettings } from "./opinion/alert-settings.ts";
import { type AlertRecipients, createAlertDeliveryWorker, type DutyOfficers } from "./opinion/alert-delivery.ts";
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
      // Built on the first job (about a second) and again after a reload of intents/.
      recorder: () => hub.opinionRecorders.current(),
    }),
  ];
  const recipients = alertRecipients(hub);
  if (recipients) workers.push(createAlertDeliveryWorker({ ...deps, ...recipients }));
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

/** Where alert changes go: the webhook, duty officers on WeChat (through the WeChat connector); undefined: nowhere. */
function alertRecipients(hub: Hub): AlertRecipients | undefined {
  const { alertWebhook: webhook, alertWechat: wechat } = hub.config.opinion;
  // The configuration made sure WeChat is on when duty officers are named.
  const sender = wechat && hub.channels.get("wechat")?.templateMessages;
  if (wechat && !sender) throw new Error("OPINION_ALERT_WECHAT_OPENIDS is set but the WeChat connector is off");
  const dutyOfficers: DutyOfficers | undefined =
    wechat && sender
      ? {
          ...wechat,
          sender,
          timeZone: hub.config.timeZone,
          workbenchUrl: hub.config.workbenchPublicUrl,
          regions: () => hub.knowledge.current.regions,
        }
      : undefined;
  if (!webhook && !dutyOfficers) return undefined;
  return { ...(webhook ? { webhook } : {}), ...(dutyOfficers ? { dutyOfficers } : {}) };
}

/** The hub's one opinion monitor: every worker process runs the service, the lease holder runs the monitor. */
function startOpinionMonitor(hub: Hub): OpinionMonitorService {
  const levels = hub.config.opinion.alertLevels;
  // Validated here, at start: a wrong level setting stops the start.
  const alerts = levels ? { levels: resolveAlertSettings({ levels }).levels } : undefined;
  const service = new OpinionMonitorService({
    // No webhook and no duty officers: nothing to send (the workbench reads the alerts table).
    store: new MonitorStore(hub.db.sql, { deliver: alertRecipients(hub) !== undefined }),
    lease: new RedisLease(hub.redis, `${hub.config.queuePrefix}:opinion-monitor:lease`, 15_000),
    regions: () => hub.knowledge.current.regions,
    ...(alerts ? { alerts } : {}),
    maxMessages: hub.config.opinion.monitorMaxMessages,
    log: hub.log,
    onQueued: () => hub.relay.kick(),
    onError: (error) => hub.redisOutage.noted("opinion monitor", error, "opinion monitor round failed"),
  });
  hub.metrics.opinionMonitor.observe(() => {
    const retained = service.retained();
    return retained && { ...retained };
  }, hub.config.opinion.monitorMaxMessages);
  service.start();
  return service;
}
