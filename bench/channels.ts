// The WeChat channel's share of `npm run bench`: the message endpoint in safe mode
// (every push signed and AES-encrypted, every reply encrypted) against the chat API
// in the same run, then a 10× burst of connections, where the endpoint must shed to
// `success` plus an answer sent later through the customer-service API (a fake
// WeChat API on loopback counts those) rather than keep WeChat waiting 5 s.
//
// On a shared machine throughput drifts within seconds, so chat and WeChat are
// measured alternately, chat–WeChat–WeChat–chat, and compared over the totals.
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import { FakeWechatApi } from "../connectors/wechat/testing/fake-wechat-api.ts";
import { WechatPlatform } from "../connectors/wechat/testing/wechat-platform.ts";
import { type LoadResult, runLoad } from "./load.ts";
import { chatBodies, openChatSessions, QUESTIONS } from "./questions.ts";

const WECHAT = {
  token: "BenchToken1",
  appId: "wxbe0c0000000000be",
  appSecret: "bench-secret",
  encodingAesKey: randomBytes(32).toString("base64").slice(0, 43),
};
const CONNECTIONS = 50;
const BURST_CONNECTIONS = 10 * CONNECTIONS;
const WECHAT_WAIT_MS = 5_000;
/** Burst responses after this are measured apart: by then every connection is up. */
const CONNECTED_AFTER_MS = 1_000;

export interface ChannelBench {
  /** Environment for the hub under test: the WeChat connector on, pointed at the fake API. */
  env: Record<string, string>;
  run(hubUrl: string, durationSeconds: number, row: (r: LoadResult) => string): Promise<void>;
  stop(): Promise<void>;
}

interface Push {
  path: string;
  body: string;
}

export async function prepareChannelBench(): Promise<ChannelBench> {
  const api = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
  const apiBase = await api.start();
  const platform = new WechatPlatform(WECHAT);
  let sequence = 0;
  // 2,000 citizens asking the chat benchmark's questions, each push a new message.
  const nextPush = (): Push => {
    const n = sequence++;
    const push = platform.push("safe", `obench${String(n % 2000).padStart(22, "0")}`, {
      MsgType: "text",
      Content: QUESTIONS[n % QUESTIONS.length]!,
      MsgId: String(8_000_000_000_000_000_000n + BigInt(n)),
    });
    return { path: push.url, body: push.body };
  };
  // Pushes are encrypted ahead of time, so encrypting them takes no CPU from the server.
  let pool: Push[] = [];
  let taken = 0;
  const refill = (size: number) => {
    pool = Array.from({ length: size }, nextPush);
    taken = 0;
  };
  const next = () => pool[taken++] ?? nextPush();

  return {
    env: {
      WECHAT_TOKEN: WECHAT.token,
      WECHAT_APP_ID: WECHAT.appId,
      WECHAT_APP_SECRET: WECHAT.appSecret,
      WECHAT_ENCODING_AES_KEY: WECHAT.encodingAesKey,
      WECHAT_API_BASE: apiBase,
    },
    async run(hubUrl, durationSeconds, row) {
      const url = `${hubUrl}/connectors/wechat`;
      const counts = { passive: 0, later: 0, other: 0 };
      const classify = (status: number, body: string) => {
        if (status !== 200) counts.other++;
        else if (body === "success") counts.later++;
        else if (body.startsWith("<xml><Encrypt>")) counts.passive++;
        else counts.other++;
      };
      const sessions = await openChatSessions(hubUrl);
      const chat = (seconds: number) =>
        runLoad({
          label: "chat API",
          url: `${hubUrl}/api/chat/messages`,
          bodies: chatBodies(),
          sessions,
          durationSeconds: seconds,
        });
      const wechat = (seconds: number) =>
        runLoad({
          label: "WeChat safe mode",
          url,
          durationSeconds: seconds,
          contentType: "text/xml",
          next,
          onResponse: classify,
        });

      refill(8_000);
      await wechat(2); // warm-up
      const half = Math.max(2, Math.round(durationSeconds / 2));
      refill(40_000);
      Object.assign(counts, { passive: 0, later: 0, other: 0 });
      const rounds: LoadResult[] = [];
      rounds.push(await chat(half), await wechat(half), await wechat(half), await chat(half));
      const steadyCounts = { ...counts };
      const late = taken > pool.length;
      const chatTotal = combine("chat API (alternating)", [rounds[0]!, rounds[3]!]);
      const wechatTotal = combine("WeChat safe mode", [rounds[1]!, rounds[2]!]);

      // The burst: 10× the connections, all opened at once.
      refill(60_000);
      Object.assign(counts, { passive: 0, later: 0, other: 0 });
      const sentBefore = api.sent.length;
      const burstSeconds = Math.max(5, half);
      const connected = { max: 0, over: 0 };
      const started = Date.now();
      const burstResult = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url,
            method: "POST",
            connections: BURST_CONNECTIONS,
            duration: burstSeconds,
            timeout: 10,
            headers: { "content-type": "text/xml" },
            requests: [
              {
                setupRequest: (request) => ({ ...request, ...next() }),
                onResponse: (status: number, body: string) => classify(status, body),
              },
            ],
          },
          (error, result) => (error ? reject(error) : resolve(result)),
        );
        instance.on("response", (_client, _status, _bytes, responseTime) => {
          if (Date.now() - started < CONNECTED_AFTER_MS) return;
          connected.max = Math.max(connected.max, responseTime);
          if (responseTime >= WECHAT_WAIT_MS) connected.over++;
        });
      });
      const burst: LoadResult = {
        label: `WeChat burst ×10 (${BURST_CONNECTIONS} conn.)`,
        requestsPerSecond: burstResult.requests.average,
        p50: burstResult.latency.p50,
        p99: burstResult.latency.p99,
        max: burstResult.latency.max,
        requests: burstResult.requests.total,
        errors: burstResult.errors,
        timeouts: burstResult.timeouts,
        non2xx: burstResult.non2xx,
      };
      const burstCounts = { ...counts };
      // Every `success` promised an answer through the customer-service API: wait for them.
      const drainStarted = Date.now();
      while (api.sent.length - sentBefore < burstCounts.later && Date.now() - drainStarted < 300_000) {
        await new Promise((r) => setTimeout(r, 250));
      }
      const drainSeconds = (Date.now() - drainStarted) / 1000;

      const ratio = wechatTotal.requestsPerSecond / chatTotal.requestsPerSecond;
      const p99 = Math.max(rounds[1]!.p99, rounds[2]!.p99);
      const burstOk = burst.max < WECHAT_WAIT_MS && burst.timeouts === 0;
      console.log(row(chatTotal));
      console.log(row({ ...wechatTotal, p99 }));
      console.log(row(burst));
      console.log(
        [
          `\nWeChat (safe mode) / chat throughput: ${(ratio * 100).toFixed(1)}%   (target ≥ 50%: ${verdict(ratio >= 0.5)})`,
          `WeChat p99 at ${CONNECTIONS} connections: ${p99} ms   (target < 200 ms: ${verdict(p99 < 200)})`,
          `  replies: ${steadyCounts.passive} passive, ${steadyCounts.later} \`success\` + later, ${steadyCounts.other} other`,
          `WeChat under a 10× burst (${BURST_CONNECTIONS} connections for ${burstSeconds} s):`,
          `  replies: ${burstCounts.passive} passive, ${burstCounts.later} \`success\` + later, ${burstCounts.other} other, ${burst.timeouts} timeouts`,
          `  slowest reply: ${burst.max} ms, p99 ${burst.p99} ms   (target: none over 5 s: ${verdict(burstOk)})`,
          `  slowest once all ${BURST_CONNECTIONS} connections were open (after ${CONNECTED_AFTER_MS / 1000} s): ${Math.round(connected.max)} ms, ${connected.over} over 5 s`,
          `  answers sent later through the customer-service API: ${api.sent.length - sentBefore} for ${burstCounts.later} \`success\` replies, ${drainSeconds.toFixed(1)} s after the burst`,
          late ? "  (the pre-encrypted pushes ran out: some were encrypted during the run)" : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    },
    async stop() {
      await api.stop();
    },
  };
}

/** Two runs of one load as one: totals over the whole time, the worse latency. */
function combine(label: string, runs: LoadResult[]): LoadResult {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const seconds = runs.reduce((sum, r) => sum + r.requests / Math.max(r.requestsPerSecond, 1e-9), 0);
  return {
    label,
    requestsPerSecond: requests / seconds,
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    max: Math.max(...runs.map((r) => r.max)),
    requests,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    timeouts: runs.reduce((sum, r) => sum + r.timeouts, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

function verdict(ok: boolean): string {
  return ok ? "met" : "NOT MET";
}
