// A hub with the WeChat connector on, pointed at a fake WeChat API on loopback.
import type { FastifyInstance } from "fastify";
import { FakeWechatApi } from "../../connectors/wechat/testing/fake-wechat-api.ts";
import { WechatPlatform } from "../../connectors/wechat/testing/wechat-platform.ts";
import type { WechatMode } from "../../connectors/wechat/wechat-envelope.ts";
import type { XmlElement } from "../../connectors/wechat/wechat-xml.ts";
import { buildApp } from "../../src/http/build-app.ts";
import { startWorkers, type Workers } from "../../src/queue/start-workers.ts";
import { type Backend, startTestHub, type TestHub } from "./test-env.ts";

export const WECHAT = {
  token: "QDG6eK",
  appId: "wx5823bf96d3bd56c7",
  appSecret: "test-app-secret",
  encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
};

export interface WechatTestEnv {
  t: TestHub;
  app: FastifyInstance;
  api: FakeWechatApi;
  platform: WechatPlatform;
  workers: Workers;
  /** Posts a push as WeChat would; returns the status and the opened reply (undefined for `success`). */
  send(mode: WechatMode, openid: string, fields: Record<string, string | number>, createTime?: number): Promise<{ status: number; body: string; reply?: XmlElement }>;
  close(): Promise<void>;
}

export async function startWechatEnv(backend: Backend, env: Record<string, string> = {}): Promise<WechatTestEnv> {
  const api = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
  const apiBase = await api.start();
  const t = await startTestHub(backend, {
    env: {
      WECHAT_TOKEN: WECHAT.token,
      WECHAT_APP_ID: WECHAT.appId,
      WECHAT_APP_SECRET: WECHAT.appSecret,
      WECHAT_ENCODING_AES_KEY: WECHAT.encodingAesKey,
      WECHAT_API_BASE: apiBase,
      OUTBOUND_BACKOFF_MS: "20",
      ...env,
    },
  });
  const app = await buildApp(t.hub);
  const workers = startWorkers(t.hub);
  const platform = new WechatPlatform(WECHAT);
  return {
    t,
    app,
    api,
    platform,
    workers,
    async send(mode, openid, fields, createTime) {
      const push = platform.push(mode, openid, fields, createTime);
      const response = await app.inject({ method: "POST", url: push.url, payload: push.body, headers: { "content-type": "text/xml" } });
      return { status: response.statusCode, body: response.body, reply: response.statusCode === 200 ? platform.openReply(mode, response.body) : undefined };
    },
    async close() {
      await workers.close();
      await app.close();
      await t.close();
      await api.stop();
    },
  };
}
