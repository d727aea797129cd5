// A hub with the Weibo connector on, pointed at a fake Weibo API on loopback.
import type { FastifyInstance } from "fastify";
import { FakeWeiboApi } from "../../connectors/weibo/testing/fake-weibo-api.ts";
import { WeiboPlatform } from "../../connectors/weibo/testing/weibo-platform.ts";
import { buildApp } from "../../src/http/build-app.ts";
import { startWorkers, type Workers } from "../../src/queue/start-workers.ts";
import { type Backend, startTestHub, type TestHub } from "./test-env.ts";

export const WEIBO = { appSecret: "xyz123xyz", accessToken: "2.00weibo-test-token", uid: "1902538057" };

export interface WeiboTestEnv {
  t: TestHub;
  app: FastifyInstance;
  api: FakeWeiboApi;
  platform: WeiboPlatform;
  workers: Workers;
  push(body: unknown): Promise<{ status: number; body: string; text?: string }>;
  close(): Promise<void>;
}

export async function startWeiboEnv(backend: Backend, env: Record<string, string> = {}): Promise<WeiboTestEnv> {
  const api = new FakeWeiboApi(WEIBO.accessToken);
  const base = await api.start();
  const t = await startTestHub(backend, {
    env: {
      WEIBO_APP_SECRET: WEIBO.appSecret,
      WEIBO_ACCESS_TOKEN: WEIBO.accessToken,
      WEIBO_UID: WEIBO.uid,
      WEIBO_API_BASE: base,
      WEIBO_MESSAGE_API_BASE: base,
      // Long enough that only the first scheduled poll runs during a test file.
      WEIBO_POLL_INTERVAL_MS: "3600000",
      OUTBOUND_BACKOFF_MS: "20",
      ...env,
    },
  });
  const app = await buildApp(t.hub);
  const workers = startWorkers(t.hub);
  const platform = new WeiboPlatform(WEIBO.appSecret, WEIBO.uid);
  return {
    t,
    app,
    api,
    platform,
    workers,
    async push(body) {
      const response = await app.inject({ method: "POST", url: platform.signedUrl(), payload: body as object });
      let text: string | undefined;
      if (response.statusCode === 200 && response.body) {
        const reply = response.json() as { data: string };
        text = (JSON.parse(decodeURIComponent(reply.data)) as { text: string }).text;
      }
      return { status: response.statusCode, body: response.body, text };
    },
    async close() {
      await workers.close();
      await app.close();
      await t.close();
      await api.stop();
    },
  };
}
