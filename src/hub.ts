// Wires the hub's parts together: database, catalog, understanding, queues. The web
// server (src/server.ts) and the worker process (src/worker.ts) both start from here.
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelDeps, ChannelInstance, QueuedInboundHandler } from "../connectors/shared/channel-module.ts";
import { channelModules } from "../connectors/index.ts";
import type { Catalog } from "./knowledge/catalog-schema.ts";
import { KnowledgeStore } from "./knowledge/knowledge-store.ts";
import type { Config } from "./config.ts";
import { CitizenDesk } from "./conversation/citizen-desk.ts";
import { ConversationPipeline } from "./conversation/conversation-pipeline.ts";
import { scheduleIntakeReminder } from "./conversation/intake-reminder.ts";
import { HandoffDesk } from "./conversation/handoff-desk.ts";
import { AgentDesk } from "./conversation/agent-desk.ts";
import { scheduleHandoffTimeout } from "./conversation/handoff-timeout.ts";
import { parseServiceHours, type ServiceHours } from "./calendar/service-hours.ts";
import { HandoffQueues } from "./conversation/handoff-queues.ts";
import type { Channel } from "./messages/messages.ts";
import { type Database, type DatabaseTarget, databaseTarget, openDatabase } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import type { Logger } from "./logger.ts";
import type { ChannelSender } from "./outbound/channel-sender.ts";
import { OutboxRelay } from "./queue/outbox-relay.ts";
import { type QueueName, QueueNames } from "./queue/queue-names.ts";
import { closeQueues, createQueues } from "./queue/queues.ts";
import { connectRedis } from "./queue/redis-connection.ts";
import { RedisOutage } from "./queue/redis-outage.ts";
import { UnmarkedConversations } from "./conversation/unmarked-conversations.ts";
import { loadMessageModel } from "./language/message-model.ts";
import { type Cases, createCases } from "./cases/cases.ts";
import type { RuleRouter } from "./routing/rule-router.ts";
import { Understander } from "./language/understander.ts";
import { workerMatcherTrainer } from "./language/matcher-thread.ts";
import { bootstrapAdmin } from "./staff/bootstrap-admin.ts";
import { createHubMetrics, type HubMetrics } from "./metrics/hub-metrics.ts";
import type { MetricsRoutesOptions } from "./http/metrics-routes.ts";
import { OpinionRecorders } from "./opinion/opinion-recorders.ts";

export interface HubOptions {
  config: Config;
  /** Resolved Redis URL (REDIS_URL, or the private Redis that `npm start` runs). */
  redisUrl: string;
  log: Logger;
  /** Overrides the database chosen from config (tests use in-memory PGlite). */
  database?: DatabaseTarget;
}

export interface Hub {
  config: Config;
  log: Logger;
  redisUrl: string;
  db: Database;
  catalog(): Catalog;
  understander(): Understander;
  router(): RuleRouter;
  /** Everything read from intents/ (catalog, case rules, departments, menu, calendar) and the
   * understander built from it, reloaded as one when intents/ changes or on request. */
  knowledge: KnowledgeStore<{ understander: Understander }>;
  pipeline: ConversationPipeline;
  /** The producer connection: fails fast when Redis is down. */
  redis: Redis;
  /** Logs a Redis outage once when it starts and once when it ends (every part of the process reports to it). */
  redisOutage: RedisOutage;
  queues: Map<QueueName, Queue>;
  relay: OutboxRelay;
  /** The outbound half of every channel, used by the outbound queue's worker. */
  senders: Map<Channel, ChannelSender>;
  /** Every channel (connectors/index.ts), on or off, by name. */
  channels: ReadonlyMap<string, ChannelInstance>;
  /** The citizen's side of case management in chat. */
  desk: CitizenDesk;
  /** Case management: lifecycle, routing rules, deadlines (src/cases/cases.ts). */
  cases: Cases;
  /** The hand-off to a person (人工): the citizen's side and the agents' (docs/handoff.md). */
  handoffs: HandoffDesk;
  agents: AgentDesk;
  /** This process's Prometheus metrics (src/metrics), served at /metrics. */
  metrics: HubMetrics;
  /** The opinion analysis of the current knowledge snapshot (the analysis worker's and the import's). */
  opinionRecorders: OpinionRecorders;
  close(): Promise<void>;
}

export async function createHub(options: HubOptions): Promise<Hub> {
  const { config, log, redisUrl } = options;
  const messageModel = loadMessageModel(config.messageModelDir);
  const handoffQueues = handoffQueuesOf(config.handoff);
  // The service matcher trains in a worker thread: a reload keeps answering from the old one.
  const trainMatcher = workerMatcherTrainer((error) =>
    log.warn({ err: error }, "cannot train the catalog's models in a worker thread; training them in-process"),
  );
  // Read before the database is opened, so a bad file stops the start early.
  const knowledge = await KnowledgeStore.open(config.intentsDir, {
    timeZone: config.timeZone,
    build: async ({ catalog }) => ({
      understander: await Understander.forCatalogTrainedBy(catalog, { messageModel }, trainMatcher),
    }),
    log,
  });
  knowledge.watch();

  const db = await openDatabase(options.database ?? databaseTarget(config), log);
  try {
    const applied = await migrate(db.sql);
    if (applied.length > 0) log.info({ applied }, "database migrated");
    await bootstrapAdmin(db.prisma, config.bootstrapAdmin, log);
  } catch (error) {
    knowledge.close();
    await db.close();
    throw error;
  }

  const redis = connectRedis(redisUrl, "producer");
  const redisOutage = new RedisOutage(log);
  redisOutage.watch("producer", redis);
  // Say "ready" once the producer is connected (bounded: the hub also starts without Redis).
  await producerConnected(redis, 2_000);
  const queues = createQueues(redis, config.queuePrefix, log, {
    outbound: {
      attempts: config.outboundMaxAttempts,
      backoff: { type: "exponential", delay: config.outboundBackoffMs },
    },
    // A fired timer is gone, so the same timer (same job id) can be set again after a reopen.
    deadlines: { removeOnComplete: true },
    // A wait that became a 留言 and is requested again gets a timeout under the same id.
    [QueueNames.handoffTimeouts]: { removeOnComplete: true },
  });
  const senders = new Map<Channel, ChannelSender>();
  const relay = new OutboxRelay(db.prisma, queues, log, undefined, redisOutage);
  const cases = createCases({
    config,
    knowledge: () => knowledge.current,
    prisma: db.prisma,
    queues,
    log,
    onOutboxWritten: () => relay.kick(),
  });
  // The citizen's side of case management in chat (the pipeline's ticketDesk) and attachments from connectors.
  const desk = new CitizenDesk({
    prisma: db.prisma,
    actions: cases.actions,
    departmentName: cases.departmentName,
    hotline: config.hotline,
    timeZone: config.timeZone,
    reopenDays: config.cases.reopenDays,
    supplementWindowHours: config.cases.supplementWindowHours,
    repeatSimilarity: config.cases.duplicateSimilarity,
  });
  // Which conversations have no hand-off mark, shared through Redis (unmarked-conversations.ts).
  const unmarked = new UnmarkedConversations(redis, `${config.queuePrefix}:handoff-marks`);
  unmarked.start();
  const handoffs = new HandoffDesk({
    marks: unmarked,
    prisma: db.prisma,
    timeZone: config.timeZone,
    queues: handoffQueues,
    calendar: () => knowledge.current.calendar,
    pickupMs: config.handoff.pickupMs,
    scheduleTimeout: (job, delayMs) =>
      scheduleHandoffTimeout(queues.get(QueueNames.handoffTimeouts)!, job, delayMs).catch((error: unknown) =>
        redisOutage.noted("handoff timeout", error, "cannot schedule a hand-off pick-up timeout"),
      ),
    onOutboxWritten: () => relay.kick(),
  });
  const agents = new AgentDesk({
    prisma: db.prisma,
    timeZone: config.timeZone,
    replyWindowHours: (channel) => senders.get(channel)?.replyWindowHours,
    onOutboxWritten: () => relay.kick(),
    log,
  });
  const pipeline = new ConversationPipeline(db.prisma, () => knowledge.built.understander, {
    timeZone: config.timeZone,
    hotline: config.hotline,
    onOutboxWritten: () => relay.kick(),
    log,
    ticketDesk: desk,
    handoff: handoffs,
    sql: db.sql,
    unmarked,
    intake: {
      rules: () => knowledge.current.intake,
      dropAfterMs: config.complaintIntakeDropMs,
      remindLater: (job) =>
        scheduleIntakeReminder(queues.get(QueueNames.intakeReminders)!, job, intakeTimes(config)).catch(
          // Quiet while Redis is known to be down: one warning per outage, not one per complaint.
          (error: unknown) =>
            redisOutage.noted("intake reminder", error, "cannot schedule a complaint intake reminder"),
        ),
    },
  });
  const inbound = new Map<string, QueuedInboundHandler>();
  const channelDeps: ChannelDeps = {
    config,
    log,
    prisma: db.prisma,
    pipeline,
    redisUrl,
    redis,
    queues,
    kickRelay: () => relay.kick(),
    catalog: () => knowledge.current.catalog,
    menu: () => knowledge.current.menu,
    supplements: desk,
    inbound,
  };
  const channels = new Map<string, ChannelInstance>();
  for (const module of channelModules()) {
    const channel = await module.create(channelDeps, config.channels[module.name]);
    channels.set(channel.name, channel);
    if (channel.sender) senders.set(channel.name, channel.sender);
    if (channel.inbound) inbound.set(channel.name, channel.inbound);
  }
  relay.start();
  const metrics = createHubMetrics({ queues, db, scrapeTimeoutMs: config.metrics.scrapeTimeoutMs });
  log.info(
    {
      items: knowledge.current.catalog.items.length,
      departments: knowledge.current.catalog.departments.length,
      catalogLoadMs: knowledge.loadMs,
      database: db.backend,
    },
    "hub ready",
  );

  return {
    config,
    log,
    redisUrl,
    db,
    catalog: () => knowledge.current.catalog,
    understander: () => knowledge.built.understander,
    router: () => cases.knowledge().router,
    knowledge,
    pipeline,
    redis,
    redisOutage,
    queues,
    relay,
    senders,
    channels,
    cases,
    desk,
    handoffs,
    agents,
    metrics,
    opinionRecorders: new OpinionRecorders(() => knowledge.current, config.intentsDir, log),
    async close() {
      knowledge.close();
      await relay.stop();
      await unmarked.close();
      for (const channel of [...channels.values()].reverse()) await channel.close?.();
      await closeQueues(queues);
      redis.disconnect();
      await db.close();
    },
  };
}

function producerConnected(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once("ready", done);
  });
}

/** When an intake's citizen is reminded and when the intake is dropped (COMPLAINT_INTAKE_*_MINUTES). */
export function intakeTimes(config: Config) {
  return { remindAfterMs: config.complaintIntakeRemindMs, dropAfterMs: config.complaintIntakeDropMs };
}

/** HANDOFF_HOURS and HANDOFF_QUEUES, read; a value of the right shape that names no day or time stops the start, naming the variable. */
function handoffQueuesOf(handoff: Config["handoff"]): HandoffQueues {
  let hours: ServiceHours;
  try {
    hours = parseServiceHours(handoff.hours);
  } catch (error) {
    throw new Error(`HANDOFF_HOURS: ${(error as Error).message}`);
  }
  try {
    return new HandoffQueues(hours, handoff.queues);
  } catch (error) {
    throw new Error(`HANDOFF_QUEUES: ${(error as Error).message}`);
  }
}

/** What /metrics serves (src/http/metrics-routes.ts): the hub's registry, behind METRICS_TOKEN (or local requests only). */
export function metricsOptions(hub: Pick<Hub, "metrics" | "config">): MetricsRoutesOptions {
  const { registry } = hub.metrics;
  return { metrics: () => registry.metrics(), contentType: registry.contentType, token: hub.config.metrics.token };
}
