// The port every channel implements. connectors/index.ts lists the channels, and the
// composition root (src/hub.ts, src/build-app.ts, src/start-workers.ts) iterates over
// that list: it names no channel. A channel's folder translates its platform's wire
// format; the conversation itself is src/conversation's.
import type { Queue, Worker } from "bullmq";
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginCallback, FastifyPluginOptions } from "fastify";
import type { Redis } from "ioredis";
import type { Config, ConfigSection } from "../../src/config.ts";
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import type { SupplementDesk } from "../../src/conversation/evidence.ts";
import type { PrismaClient } from "../../src/db/database.ts";
import type { Catalog } from "../../src/knowledge/catalog-schema.ts";
import type { Menu } from "../../src/knowledge/menu.ts";
import type { Logger } from "../../src/logger.ts";
import type { ChannelSender } from "../../src/outbound/channel-sender.ts";
import type { TemplateMessageSender } from "../../src/outbound/template-message-sender.ts";
import type { QueueName } from "../../src/queue/queue-names.ts";
import type { WorkerDeps } from "../../src/queue/queue-worker.ts";

export interface ChannelModule<Settings = unknown> extends ConfigSection {
  /** The channel's name: messages, conversations, notices and inbound jobs carry it. */
  readonly name: string;
  /**
   * Parses the channel's own section of the environment (called by loadConfig, so a
   * wrong value stops the start with a ConfigError naming the variable); undefined = off.
   */
  loadConfig(env: NodeJS.ProcessEnv): Settings | undefined;
  /** Builds the channel for one hub; called on or off (an off channel's endpoints say how to turn it on). */
  create(deps: ChannelDeps, settings: Settings | undefined): ChannelInstance | Promise<ChannelInstance>;
}

/** What the hub gives every channel. */
export interface ChannelDeps {
  /** The core settings (the channel's own section is handed to create() on its own). */
  config: Config;
  log: Logger;
  prisma: PrismaClient;
  pipeline: ConversationPipeline;
  redisUrl: string;
  /** The hub's producer connection: fails fast when Redis is down. */
  redis: Redis;
  queues: ReadonlyMap<QueueName, Queue>;
  /** Relays the outbox now instead of at its next poll. */
  kickRelay: () => void;
  catalog: () => Catalog;
  /** The WeChat/Weibo menu of the current knowledge snapshot. */
  menu: () => Menu;
  /** Case management's way of adding what a citizen sends to their ticket. */
  supplements: SupplementDesk;
  /** Every channel's handler of queued pushes, by channel name (complete once all channels are created). */
  inbound: ReadonlyMap<string, QueuedInboundHandler>;
}

/** A channel built for one hub. */
export interface ChannelInstance {
  readonly name: string;
  /** Registered before any route: plugins whose hooks must see every route (CORS, WebSocket upgrades). */
  hooks?: HttpPlugin[];
  /** The channel's endpoints. */
  routes?: HttpPlugin[];
  /** The outbound half: notices to the citizen through the platform (absent while the channel is off). */
  sender?: ChannelSender;
  /** Template messages to people who follow the account, outside a conversation (WeChat; duty officers' alerts). */
  templateMessages?: TemplateMessageSender;
  /** Answers the inbound queue's jobs named after the channel: pushes accepted under load, answered later. */
  inbound?: QueuedInboundHandler;
  /**
   * For /readyz, a channel that runs in a process of its own (the community-group bot):
   * undefined when it works, else why it does not. It degrades readiness, never fails it.
   */
  degradedBecause?(): Promise<string | undefined>;
  /** Queue consumers and schedules the channel runs in a worker process (e.g. pollers). */
  startWorkers?(deps: ChannelWorkerDeps): Worker[];
  close?(): Promise<void>;
}

export interface QueuedInboundHandler {
  handleQueued(payload: unknown): Promise<void>;
}

export interface ChannelWorkerDeps extends WorkerDeps {
  queues: ReadonlyMap<QueueName, Queue>;
}

/** A Fastify plugin with its options, registered by the app builder. */
export interface HttpPlugin {
  register(app: FastifyInstance): PromiseLike<unknown>;
}

/** Pairs a plugin with its options (checked against each other here, where both are known). */
export function httpPlugin<Options extends FastifyPluginOptions>(
  plugin: FastifyPluginAsync<Options> | FastifyPluginCallback<Options>,
  options: Options,
): HttpPlugin {
  return { register: (app) => app.register(plugin, options) };
}

export async function registerAll(app: FastifyInstance, plugins: HttpPlugin[] | undefined): Promise<void> {
  for (const plugin of plugins ?? []) await plugin.register(app);
}

/** The inbound queue's handlers, by channel name. */
export function inboundHandlers(channels: Iterable<ChannelInstance>): Map<string, QueuedInboundHandler> {
  const handlers = new Map<string, QueuedInboundHandler>();
  for (const channel of channels) if (channel.inbound) handlers.set(channel.name, channel.inbound);
  return handlers;
}
