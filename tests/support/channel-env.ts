// What the WeChat and Weibo test set-ups share (wechat-env.ts, weibo-env.ts): a hub
// with a messaging channel switched on by `settings`, its HTTP app, and (usually) its
// queue workers — on a fresh database, or on one shared with other hubs or processes.
import type { FastifyInstance } from "fastify";
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import type { DatabaseTarget } from "../../src/db/database.ts";
import { createHub } from "../../src/hub.ts";
import { buildApp } from "../../src/build-app.ts";
import { createLogger } from "../../src/logger.ts";
import { startWorkers, type Workers } from "../../src/start-workers.ts";
import { type Backend, startTestHub, TEST_REDIS_URL, testConfig, type TestHub } from "./test-env.ts";

export interface ChannelHubOptions {
  /** More settings (PASSIVE_REPLY_BUDGET_MS …); QUEUE_PREFIX makes hubs share their Redis keys. */
  env?: Record<string, string>;
  /** A database shared with other hubs (its owner drops it); else a fresh one. */
  database?: DatabaseTarget;
  /** Run the queue workers in this hub (default: yes). */
  workers?: boolean;
}

export interface ChannelHub {
  t: TestHub;
  app: FastifyInstance;
  workers: Workers | undefined;
  close(): Promise<void>;
}

export async function startChannelHub(
  backend: Backend,
  settings: Record<string, string>,
  options: ChannelHubOptions = {},
): Promise<ChannelHub> {
  const env = { OUTBOUND_BACKOFF_MS: "20", ...settings, ...options.env };
  const t: TestHub = options.database
    ? await (async () => {
        const hub = await createHub({
          config: testConfig(env),
          redisUrl: TEST_REDIS_URL,
          log: createLogger("silent"),
          database: options.database,
        });
        return { hub, close: () => hub.close() };
      })()
    : await startTestHub(backend, { env });
  const app = await buildApp(t.hub);
  const workers = options.workers === false ? undefined : startWorkers(t.hub);
  return {
    t,
    app,
    workers,
    async close() {
      await workers?.close();
      await app.close();
      await t.close();
    },
  };
}

/** Counts how often the pipeline runs for one citizen's messages (instrumentation, not a stand-in). */
export function countHandled(pipeline: ConversationPipeline, channelUserId: string): () => number {
  let count = 0;
  const handle = pipeline.handle.bind(pipeline);
  pipeline.handle = (message) => {
    if (message.channelUserId === channelUserId) count++;
    return handle(message);
  };
  return () => count;
}
