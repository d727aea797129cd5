// The WeChat channel's share of `npm run bench`: the message endpoint in safe mode
// (every push signed and AES-encrypted, every reply encrypted) against the chat API
// measured in the same run, then a 10× burst of connections, where the endpoint must
// shed to `success` plus an answer sent later through the customer-service API
// (a fake WeChat API on loopback counts those) rather than keep WeChat waiting 5 s.
import { randomBytes } from "node:crypto";
import { FakeWechatApi } from "../connectors/wechat/testing/fake-wechat-api.ts";
import { WechatPlatform } from "../connectors/wechat/testing/wechat-platform.ts";
import { type LoadResult, runLoad } from "./load.ts";
import { QUESTIONS } from "./questions.ts";

const WECHAT = { token: "BenchToken1", appId: "wxbe0c0000000000be", appSecret: "bench-secret", encodingAesKey: randomBytes(32).toString("base64").slice(0, 43) };
const CONNECTIONS = 50;
const BURST_CONNECTIONS = 10 * CONNECTIONS;
const WECHAT_WAIT_MS = 5_000;

export interface ChannelBench {
  /** Environment for the hub under test: the WeChat connector on, pointed at the fake API. */
  env: Record<string, string>;
  run(hubUrl: string, chat: LoadResult, durationSeconds: number, row: (r: LoadResult) => string): Promise<void>;
  stop(): Promise<void>;
}

export async function prepareChannelBench(): Promise<ChannelBench> {
  const api = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
  const apiBase = await api.start();
  const platform = new WechatPlatform(WECHAT);
  let sequence = 0;
  // 2,000 citizens asking the chat benchmark's questions, each push a new message.
  const nextPush = () => {
    const n = sequence++;
    const push = platform.push("safe", `obench${String(n % 2000).padStart(22, "0")}`, {
      MsgType: "text",
      Content: QUESTIONS[n % QUESTIONS.length]!,
      MsgId: String(8_000_000_000_000_000_000n + BigInt(n)),
    });
    return { path: push.url, body: push.body };
  };
  // Pushes are encrypted ahead of time, so encrypting them does not take CPU from the server.
  const pool = (size: number) => {
    const pushes = Array.from({ length: size }, nextPush);
    let i = 0;
    return { next: () => pushes[i++] ?? nextPush(), generatedLate: () => Math.max(0, i - size) };
  };

  return {
    env: {
      WECHAT_TOKEN: WECHAT.token,
      WECHAT_APP_ID: WECHAT.appId,
      WECHAT_APP_SECRET: WECHAT.appSecret,
      WECHAT_ENCODING_AES_KEY: WECHAT.encodingAesKey,
      WECHAT_API_BASE: apiBase,
    },
    async run(hubUrl, chat, durationSeconds, row) {
      const url = `${hubUrl}/connectors/wechat`;
      const counts = { passive: 0, later: 0, other: 0 };
      const classify = (status: number, body: string) => {
        if (status !== 200) counts.other++;
        else if (body === "success") counts.later++;
        else if (body.startsWith("<xml><Encrypt>")) counts.passive++;
        else counts.other++;
      };
      const load = (label: string, connections: number, seconds: number, size: number) => {
        const pushes = pool(size);
        return runLoad({ label, url, connections, durationSeconds: seconds, contentType: "text/xml", next: pushes.next, onResponse: classify, timeoutSeconds: 10 }).then(
          (result) => ({ result, generatedLate: pushes.generatedLate() }),
        );
      };

      await load("warm-up", CONNECTIONS, 2, 6_000);
      Object.assign(counts, { passive: 0, later: 0, other: 0 });
      const steady = await load("WeChat safe mode", CONNECTIONS, durationSeconds, Math.ceil(chat.requestsPerSecond * durationSeconds * 1.5));
      const steadyCounts = { ...counts };

      Object.assign(counts, { passive: 0, later: 0, other: 0 });
      const sentBefore = api.sent.length;
      const burstSeconds = Math.max(5, Math.round(durationSeconds / 2));
      const burst = await load(`WeChat burst ×10 (${BURST_CONNECTIONS} conn.)`, BURST_CONNECTIONS, burstSeconds, Math.ceil(chat.requestsPerSecond * burstSeconds * 3));
      const burstCounts = { ...counts };
      // Every `success` promised an answer through the customer-service API: wait for them.
      const drainStarted = Date.now();
      while (api.sent.length - sentBefore < burstCounts.later && Date.now() - drainStarted < 180_000) {
        await new Promise((r) => setTimeout(r, 250));
      }
      const drainSeconds = (Date.now() - drainStarted) / 1000;

      const ratio = steady.result.requestsPerSecond / chat.requestsPerSecond;
      console.log(row(steady.result));
      console.log(row(burst.result));
      console.log(
        `\nWeChat (safe mode) / chat throughput: ${(ratio * 100).toFixed(1)}%   (target ≥ 50%: ${verdict(ratio >= 0.5)})` +
          `\nWeChat p99 at ${CONNECTIONS} connections: ${steady.result.p99} ms   (target < 200 ms: ${verdict(steady.result.p99 < 200)})` +
          `\n  replies: ${steadyCounts.passive} passive, ${steadyCounts.later} \`success\` + later, ${steadyCounts.other} other` +
          `\nWeChat under a 10× burst: slowest ${burst.result.max} ms, p99 ${burst.result.p99} ms, ${burst.result.timeouts} timeouts   (target: none over ${WECHAT_WAIT_MS} ms: ${verdict(burst.result.max < WECHAT_WAIT_MS && burst.result.timeouts === 0)})` +
          `\n  replies: ${burstCounts.passive} passive, ${burstCounts.later} \`success\` + later, ${burstCounts.other} other` +
          `\n  answers sent later through the customer-service API: ${api.sent.length - sentBefore} of ${burstCounts.later} within ${drainSeconds.toFixed(1)} s after the burst` +
          (steady.generatedLate + burst.generatedLate > 0 ? `\n  (${steady.generatedLate + burst.generatedLate} pushes were encrypted during the run: the pool ran out)` : ""),
      );
    },
    async stop() {
      await api.stop();
    },
  };
}

function verdict(ok: boolean): string {
  return ok ? "met" : "NOT MET";
}
