// The public endpoints under a seeded fuzz: chat over HTTP and WebSocket, Open311 POST and
// GET, the WeChat and Weibo push endpoints (validly signed, so the body is really read).
// At least 10,000 random and malformed inputs — random Unicode with lone surrogates and
// U+0000, huge and empty strings, wrong types, bad JSON, bad XML — and none may get a 5xx
// (or a WebSocket "internal" error) or burn a ticket number: every number the day's
// counter handed out belongs to a ticket. FUZZ_SEED=<n> replays another sequence.
//
// The request builders (chatHttpRequest, openChatSocket, wechatPush, weiboPush) hold
// everything about today's wire contracts: adapt them, not the fuzz, when a contract moves
// (e.g. the web chat session in an X-Chat-Session header, signed pushes with nonces).
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { FakeWeiboApi } from "../../connectors/weibo/testing/fake-weibo-api.ts";
import { WeiboPlatform } from "../../connectors/weibo/testing/weibo-platform.ts";
import type { WechatMode } from "../../connectors/wechat/wechat-envelope.ts";
import { buildWechatXml, type XmlOut } from "../../connectors/wechat/wechat-xml.ts";
import { eventually } from "../support/test-env.ts";
import { startWechatEnv, type WechatTestEnv } from "../support/wechat-env.ts";
import { WEIBO } from "../support/weibo-env.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
/** Inputs per endpoint; 10,000 in all. */
const ROUNDS = { chatHttp: 3000, chatSocket: 1500, open311Post: 1500, open311Get: 1300, wechat: 1600, weibo: 1100 };
const SOCKET_FRAMES = 50;
const CONCURRENCY = 12;
// Pushes record media and events in interactive transactions: more at once than the test
// database's pool of 5 can make them wait past Prisma's 2 s (a 503-like overload, not an input bug).
const PUSH_CONCURRENCY = 4;
const API_KEY = "fuzz-api-key";

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

// Sentences the hub files (complaints) or answers, so the fuzz reaches tickets and the message log.
const COMPLAINTS = [
  "阳光小区3栋楼下的路灯坏了三天了，晚上很黑，请尽快修理",
  "小区门口的垃圾堆了一个星期没人清理，臭气熏天",
  "工地半夜还在施工，噪音太大了，投诉",
  "人民路的井盖丢了，很危险，请尽快处理",
];
/** A random hex id from the seeded generator (runs stay reproducible). */
const hexId = (rng: Rng) => Array.from({ length: 32 }, () => rng.int(16).toString(16)).join("");

const SAID = [
  ...COMPLAINTS,
  "身份证丢了怎么补办",
  "公积金怎么提取",
  "查询工单",
  "我的工单",
  "我要投诉",
  "建议在公园多装几个座椅",
  "1",
  "2",
  "5",
  "非常满意",
  "转人工",
  "谢谢",
  "你好",
];
const ATOMS = [
  "\u0000",
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
  "\uD83D",
  "\uDE00",
  "😀",
  "👨‍👩‍👧",
  "\\u0000",
  "\\ud800",
  "\\",
  '"',
  "'",
  "<",
  ">",
  "&",
  "&amp;",
  "&#0;",
  "&#xD800;",
  "<![CDATA[",
  "]]>",
  "%00",
  "%ED%A0%80",
  "\r\n",
  "\t",
  " ",
  "\u3000",
  "\u202E",
  "\uFEFF",
  "\uFFFE",
  "\uFFFF",
  "\u0085",
  "\u2028",
  "１３８１２３４５６７８",
  "138.8888.6666",
  "110105199001010021",
  "GD20261207-000001",
  "zhang@example.com",
  '\'; DROP TABLE "Ticket"; --',
  "${jndi:x}",
  "{{7*7}}",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
];

function randomCodeUnits(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += String.fromCharCode(rng.int(0x10000));
  return out;
}

function randomText(rng: Rng): string {
  switch (rng.int(10)) {
    case 0:
      return rng.pick(["", " ", "\n", "\u0000", "\uD800", "   \t  "]);
    case 1:
      return randomCodeUnits(rng, 1 + rng.int(40));
    case 2:
      // Huge: past every length limit, or just under the chat's 2000 characters.
      return rng.pick(SAID).repeat(rng.chance(0.5) ? 90 : 2000) + rng.pick(ATOMS);
    case 3:
      return String.fromCodePoint(0x10000 + rng.int(0xfffff)).repeat(1 + rng.int(5)) + rng.pick(SAID);
    default: {
      // A sentence the hub understands, with noise spliced in.
      const parts = [rng.pick(SAID)];
      for (let n = rng.int(4); n > 0; n--) {
        const at = rng.int(parts.length + 1);
        parts.splice(at, 0, rng.chance(0.8) ? rng.pick(ATOMS) : randomCodeUnits(rng, 1 + rng.int(4)));
      }
      return parts.join("");
    }
  }
}

/** Any JSON value, often of the wrong type. */
function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 1 ? 6 : 8)) {
    case 0:
      return rng.int(2 ** 31) * (rng.chance(0.5) ? -1 : 1);
    case 1:
      return rng.next() * 1e6;
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
    case 5:
      return randomText(rng);
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, () => [randomText(rng).slice(0, 20), randomValue(rng, depth + 1)]),
      );
  }
}

/** A JSON body that is not JSON, or not the JSON expected. */
function badJson(rng: Rng): string {
  return rng.pick([
    "",
    "{",
    "}",
    "[",
    "null",
    "true",
    "0",
    '"text"',
    '{"text":',
    '{"text":"\\ud800"',
    '{"text":"\\x00"}',
    '{"text":"a\u0000b"}',
    "{'text':'a'}",
    `{"__proto__":{"admin":true},"text":"${rng.pick(SAID)}"}`,
    `{"constructor":{"prototype":{"x":1}},"text":"${rng.pick(SAID)}"}`,
    `{"text":"${rng.pick(SAID)}","text":"${rng.pick(SAID)}"}`,
    "\uFEFF{}",
    randomCodeUnits(rng, 30),
  ]);
}

/** Every byte of the text's UTF-8 percent-encoded (a lone surrogate is sent as U+FFFD). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

/** A percent-encoded query value: random text, or raw bytes that are not UTF-8 at all. */
function queryValue(rng: Rng): string {
  if (rng.chance(0.3)) return rng.pick(["%00", "%ED%A0%80", "%FF", "%C0%80", "%", "%zz", "%E4%B8", "a%00b"]);
  return percentEncoded(randomText(rng).slice(0, 200));
}

type Outcome = { endpoint: string; status: number; input: string };

/** Runs `count` cases `concurrency` at a time (the batcher writes concurrent messages together). */
async function runAll(
  count: number,
  one: (i: number) => Promise<Outcome | Outcome[]>,
  concurrency = CONCURRENCY,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const result = await one(i);
        outcomes.push(...(Array.isArray(result) ? result : [result]));
      }
    }),
  );
  return outcomes;
}

const shown = (value: unknown) => JSON.stringify(value)?.slice(0, 160) ?? String(value);

describe("fuzzing the public endpoints", () => {
  let w: WechatTestEnv;
  let weiboApi: FakeWeiboApi;
  let app: FastifyInstance;
  let serviceCodes: string[];
  const serverErrors: string[] = [];
  const weibo = new WeiboPlatform(WEIBO.appSecret, WEIBO.uid);

  beforeAll(async () => {
    weiboApi = new FakeWeiboApi(WEIBO.accessToken);
    const weiboBase = await weiboApi.start();
    w = await startWechatEnv("postgresql", {
      workers: false,
      env: {
        OPEN311_API_KEYS: API_KEY,
        WEIBO_APP_SECRET: WEIBO.appSecret,
        WEIBO_ACCESS_TOKEN: WEIBO.accessToken,
        WEIBO_UID: WEIBO.uid,
        WEIBO_API_BASE: weiboBase,
        WEIBO_MESSAGE_API_BASE: weiboBase,
        WEIBO_POLL_INTERVAL_MS: "3600000",
        // The fuzz is about what the endpoints do with input, not about flood limits.
        RATE_LIMIT: "off",
      },
    });
    app = w.app;
    // What failed, for the report of a 5xx (the hub's logs are silent in tests).
    app.addHook("onError", async (request, _reply, error) => {
      if (!error.statusCode || error.statusCode >= 500)
        serverErrors.push(
          `${request.method} ${request.url.split("?")[0]}: ${error.stack ?? error.message}`.slice(0, 600),
        );
    });
    const services = await app.inject({ method: "GET", url: "/open311/v2/services.json" });
    serviceCodes = (services.json() as { service_code: string }[]).map((s) => s.service_code);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await weiboApi?.stop();
  });

  // ---- Request builders: today's wire contracts, in one place each. -------------------

  /** POST /api/chat/messages; the session (when any) travels in the X-Chat-Session header. */
  function chatHttpRequest(session: string | undefined, body: unknown, raw?: string): InjectOptions {
    return {
      method: "POST",
      url: "/api/chat/messages",
      headers: { "content-type": "application/json", ...(session !== undefined && { "x-chat-session": session }) },
      payload: raw ?? JSON.stringify(body),
    };
  }

  /** A web chat socket, after its hello frame was answered with the session the hub issued. */
  async function openChatSocket(): Promise<WebSocket> {
    const ws = await (app as unknown as { injectWS(path: string): Promise<WebSocket> }).injectWS("/api/chat/ws");
    const issued = new Promise<void>((resolve) => {
      const onFrame = (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { type: string }).type !== "session") return;
        ws.off("message", onFrame);
        resolve();
      };
      ws.on("message", onFrame);
    });
    ws.send(JSON.stringify({ type: "hello" }));
    await issued;
    return ws;
  }

  /** A WeChat push signed as WeChat would sign it (fresh timestamp and nonce). */
  function wechatPush(mode: WechatMode, body: { fields: Record<string, XmlOut> } | { xml: string }): InjectOptions {
    const push =
      "xml" in body
        ? w.platform.pushXml(mode, body.xml)
        : w.platform.push(mode, String(body.fields.FromUserName ?? "o_fuzz"), body.fields);
    return { method: "POST", url: push.url, payload: push.body, headers: { "content-type": "text/xml" } };
  }

  /** A Weibo push signed with the app secret (fresh timestamp and nonce). */
  function weiboPush(payload: string): InjectOptions {
    return {
      method: "POST",
      url: weibo.signedUrl(),
      payload,
      headers: { "content-type": "application/json" },
    };
  }

  // ---- The cases. --------------------------------------------------------------------

  async function send(endpoint: string, options: InjectOptions, input: unknown): Promise<Outcome> {
    const response = await app.inject(options);
    return { endpoint, status: response.statusCode, input: shown(input) };
  }

  async function chatHttpCase(rng: Rng): Promise<Outcome> {
    // Header values must be visible ASCII; guessed, chosen and malformed tokens alike.
    const session = rng.chance(0.3)
      ? rng.pick([hexId(rng), "fuzz-session-1", "AAAAAAAAAAAAAAAAAAAAAA", `${rng.int(1e9)}`])
      : undefined;
    switch (rng.int(6)) {
      case 0:
        return send("chat http", chatHttpRequest(session, undefined, badJson(rng)), "bad json");
      case 1: {
        const body = randomValue(rng);
        return send("chat http", chatHttpRequest(session, body), body);
      }
      default: {
        const body: Record<string, unknown> = { text: rng.chance(0.9) ? randomText(rng) : randomValue(rng) };
        if (rng.chance(0.3)) body.messageId = rng.chance(0.7) ? `m-${rng.int(500)}` : randomValue(rng);
        if (rng.chance(0.05)) body[randomText(rng).slice(0, 10)] = randomValue(rng);
        // The session in the body is refused now (a 400), never taken as a credential.
        if (rng.chance(0.05)) body.sessionId = hexId(rng);
        return send("chat http", chatHttpRequest(session, body), body);
      }
    }
  }

  /** One socket, SOCKET_FRAMES frames; every frame gets one reply or error frame. */
  async function chatSocketCase(rng: Rng): Promise<Outcome[]> {
    const frames: (string | Buffer)[] = Array.from({ length: SOCKET_FRAMES }, (_, i) => {
      switch (rng.int(6)) {
        case 0:
          return badJson(rng);
        case 1:
          return Buffer.from(randomCodeUnits(rng, 10));
        case 2:
          return JSON.stringify({
            type: rng.pick(["message", "typing", "", "MESSAGE"]),
            ...(randomValue(rng) as object),
          });
        case 3:
          // Raw escapes, so the parsed text holds lone surrogates and U+0000.
          return `{"type":"message","text":"${rng.pick(SAID)}${rng.pick(["\\ud800", "\\udfff", "\\u0000", "\\ud83d\\ud83d"])}","messageId":"s${i}"}`;
        default:
          return JSON.stringify({
            type: "message",
            text: rng.chance(0.9) ? randomText(rng) : randomValue(rng),
            messageId: rng.chance(0.9) ? `s${i}` : randomValue(rng),
          });
      }
    });
    // A frame over the size limit closes the socket (1009): it goes last, once the others are answered.
    const limit = w.t.hub.config.bodyLimit;
    const fits = frames.filter((f) => Buffer.byteLength(f) <= limit);
    const tooBig = frames.filter((f) => Buffer.byteLength(f) > limit);
    const ws = await openChatSocket();
    const outcomes: Outcome[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`socket answered ${outcomes.length}/${fits.length}`)), 30_000);
        let closing = false;
        ws.on("message", (data) => {
          const frame = JSON.parse(data.toString()) as { type: string; code?: string; messageId?: string };
          if (frame.type !== "reply" && frame.type !== "error") return;
          // Replies come when answered, errors at once: the message id tells which frame it was.
          const sent =
            frame.messageId === undefined
              ? frame
              : fits.find((f) => typeof f === "string" && f.includes(`"${frame.messageId}"`));
          outcomes.push({
            endpoint: "chat socket",
            status: frame.code === "internal" ? 500 : frame.type === "reply" ? 200 : 400,
            input: shown(typeof sent === "string" || !Buffer.isBuffer(sent) ? sent : "binary"),
          });
          if (outcomes.length < fits.length) return;
          if (tooBig.length === 0) {
            clearTimeout(timer);
            return resolve();
          }
          closing = true;
          ws.send(tooBig[0]!);
        });
        ws.on("close", (code, reason) => {
          clearTimeout(timer);
          if (!closing)
            return reject(
              new Error(`socket closed (${code} ${reason}) with ${outcomes.length}/${fits.length} answered`),
            );
          // Refused for its size, as a 413; any other close is the server's failure.
          for (const big of tooBig)
            outcomes.push({
              endpoint: "chat socket",
              status: code === 1009 ? 413 : 500,
              input: shown(String(big).slice(0, 100)),
            });
          resolve();
        });
        for (const frame of fits) ws.send(frame, { binary: typeof frame !== "string" });
      });
    } finally {
      ws.terminate();
    }
    return outcomes;
  }

  function open311Fields(rng: Rng): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      api_key: rng.chance(0.9) ? API_KEY : rng.pick(["", "wrong", randomText(rng)]),
      service_code: rng.chance(0.85) ? rng.pick(serviceCodes) : randomText(rng),
    };
    const optional: [string, () => unknown][] = [
      ["description", () => randomText(rng)],
      ["lat", () => (rng.chance(0.7) ? 30 + rng.next() : randomValue(rng))],
      ["long", () => (rng.chance(0.7) ? 114 + rng.next() : randomValue(rng))],
      ["address_string", () => randomText(rng)],
      ["address_id", () => randomText(rng)],
      ["email", () => rng.pick(["zhang@example.com", randomText(rng)])],
      ["device_id", () => randomText(rng)],
      ["account_id", () => randomText(rng)],
      ["first_name", () => randomText(rng)],
      ["last_name", () => randomText(rng)],
      ["phone", () => randomText(rng)],
      ["media_url", () => rng.pick(["https://example.com/a.jpg", `http://${randomText(rng)}`, randomText(rng)])],
      ["jurisdiction_id", () => randomText(rng)],
    ];
    for (const [name, make] of optional) if (rng.chance(name === "description" ? 0.9 : 0.35)) fields[name] = make();
    if (rng.chance(0.1)) fields[randomText(rng).slice(0, 10)] = randomValue(rng);
    // Mostly a valid location, so that most requests get past it to the intake.
    if (rng.chance(0.6)) Object.assign(fields, { lat: 30 + rng.next(), long: 114 + rng.next() });
    return fields;
  }

  async function open311PostCase(rng: Rng): Promise<Outcome> {
    const format = rng.chance(0.8) ? "json" : rng.pick(["xml", "csv", ""]);
    const url = `/open311/v2/requests.${format}`;
    const fields = open311Fields(rng);
    switch (rng.int(5)) {
      case 0:
        return send(
          "open311 post",
          { method: "POST", url, headers: { "content-type": "application/json" }, payload: badJson(rng) },
          "bad json",
        );
      case 1: {
        // A form whose values are raw bytes: U+0000, invalid UTF-8 (lone surrogates), anything.
        const form = Object.entries(fields)
          .map(([k, v]) => `${percentEncoded(k)}=${rng.chance(0.5) ? queryValue(rng) : percentEncoded(String(v))}`)
          .join("&");
        return send(
          "open311 post",
          { method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: form },
          form,
        );
      }
      default:
        return send(
          "open311 post",
          { method: "POST", url, headers: { "content-type": "application/json" }, payload: JSON.stringify(fields) },
          fields,
        );
    }
  }

  async function open311GetCase(rng: Rng, numbers: string[]): Promise<Outcome> {
    const format = rng.chance(0.85) ? rng.pick(["json", "xml"]) : queryValue(rng);
    const params = ["service_request_id", "service_code", "start_date", "end_date", "status", "jurisdiction_id"];
    const query = params
      .filter(() => rng.chance(0.3))
      .map((name) => {
        const value =
          name === "service_request_id" && numbers.length > 0 && rng.chance(0.5)
            ? encodeURIComponent(rng.pick(numbers))
            : name.endsWith("_date") && rng.chance(0.5)
              ? encodeURIComponent(new Date(Date.now() - rng.int(200) * 86_400_000).toISOString())
              : queryValue(rng);
        return `${name}=${value}`;
      })
      .join("&");
    const url = rng.chance(0.6)
      ? `/open311/v2/requests.${format}?${query}`
      : rng.chance(0.7)
        ? `/open311/v2/requests/${numbers.length > 0 && rng.chance(0.4) ? rng.pick(numbers) : queryValue(rng)}.${format}`
        : `/open311/v2/services.${format}?${query}`;
    return send("open311 get", { method: "GET", url }, url);
  }

  async function wechatCase(rng: Rng, i: number): Promise<Outcome> {
    const mode = rng.pick<WechatMode>(["plaintext", "compatible", "safe"]);
    if (rng.chance(0.15)) {
      const xml = rng.pick([
        "",
        "<xml>",
        "<xml><ToUserName>x</ToUserName>",
        "not xml at all",
        `<xml><MsgType><![CDATA[text]]></MsgType><Content>${randomText(rng)}</Content></xml>`,
        `<!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>`,
        `<xml><Content>&#xD800;&#0;&#x110000;</Content><MsgType>text</MsgType></xml>`,
        `<?xml version="1.0"?><xml><a><b><c>${"<d>".repeat(200)}</c></b></a></xml>`,
        randomCodeUnits(rng, 50),
      ]);
      return send("wechat", wechatPush(mode, { xml }), xml);
    }
    const msgType = rng.chance(0.85)
      ? rng.pick(["text", "text", "text", "image", "voice", "video", "location", "link", "event", "file"])
      : randomText(rng).replace(/[<>&\]]/g, "");
    const fields: Record<string, XmlOut> = {
      FromUserName: rng.chance(0.9) ? `o_fuzz_${rng.int(200)}` : randomText(rng).slice(0, 60),
      MsgType: msgType,
      MsgId: rng.chance(0.9)
        ? String(9_000_000_000_000_000_000n + BigInt(SEED) * 100_000n + BigInt(i))
        : randomText(rng),
    };
    const text = () => (rng.chance(0.9) ? randomText(rng) : String(randomValue(rng)));
    if (msgType === "text") fields.Content = text();
    if (msgType === "voice" && rng.chance(0.5)) fields.Recognition = text();
    if (msgType === "image") Object.assign(fields, { PicUrl: text(), MediaId: text() });
    if (msgType === "location")
      Object.assign(fields, {
        Location_X: rng.chance(0.7) ? 30 + rng.next() : text(),
        Location_Y: rng.chance(0.7) ? 114 + rng.next() : text(),
        Scale: text(),
        Label: text(),
      });
    if (msgType === "link") Object.assign(fields, { Title: text(), Description: text(), Url: text() });
    if (msgType === "event")
      Object.assign(fields, {
        Event: rng.pick(["subscribe", "unsubscribe", "SCAN", "CLICK", "VIEW", "LOCATION", text()]),
        EventKey: rng.pick(["ITEM_GJJ001", "ACTION_COMPLAIN", "ACTION_TICKET_STATUS", text()]),
      });
    if (rng.chance(0.05)) fields[`X${rng.int(100)}`] = text();
    // Control characters other than tab and newlines cannot be written in XML at all.
    const writable = (value: XmlOut): XmlOut =>
      typeof value === "string"
        ? // biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML cannot hold
          value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|]]>/g, "")
        : value;
    const safeFields = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, writable(v)]));
    if (rng.chance(0.5)) return send("wechat", wechatPush(mode, { fields: safeFields }), safeFields);
    // The same fields written by hand, so values reach the parser as they are (entities and all).
    const xml = `<xml><ToUserName><![CDATA[${w.platform.account}]]></ToUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>${Object.entries(
      safeFields,
    )
      .map(([k, v]) => `<${k}><![CDATA[${String(v)}]]></${k}>`)
      .join("")}</xml>`;
    return send("wechat", wechatPush(mode, { xml: rng.chance(0.9) ? xml : buildWechatXml(safeFields) }), safeFields);
  }

  async function weiboCase(rng: Rng): Promise<Outcome> {
    if (rng.chance(0.15)) return send("weibo", weiboPush(badJson(rng)), "bad json");
    const type = rng.chance(0.85)
      ? rng.pick(["text", "text", "text", "mention", "position", "voice", "image", "event", "unknown"])
      : randomText(rng);
    const sender = rng.chance(0.9) ? String(100_000 + rng.int(200)) : randomValue(rng);
    const data =
      type === "event"
        ? { subtype: rng.pick(["follow", "unfollow", "click", "scan", "view", randomText(rng)]), key: randomValue(rng) }
        : type === "position"
          ? { latitude: rng.chance(0.7) ? 30 + rng.next() : randomValue(rng), longitude: randomValue(rng) }
          : type === "image"
            ? { vfid: randomValue(rng) }
            : randomValue(rng);
    const push = {
      ...weibo.push(type, "1", { text: randomText(rng), data }),
      sender_id: sender,
      ...(rng.chance(0.1) && { created_at: randomText(rng) }),
      ...(rng.chance(0.05) && { receiver_id: randomValue(rng) }),
      ...(rng.chance(0.05) && { text: randomValue(rng) }),
    };
    return send("weibo", weiboPush(JSON.stringify(push)), push);
  }

  it(`gets no 5xx from ${Object.values(ROUNDS).reduce((a, b) => a + b, 0)} inputs and burns no ticket number (seed ${SEED})`, async () => {
    const rng = new Rng(SEED);
    const started = Date.now();
    const outcomes: Outcome[] = [];
    outcomes.push(...(await runAll(ROUNDS.chatHttp, () => chatHttpCase(rng))));
    outcomes.push(...(await runAll(ROUNDS.chatSocket / SOCKET_FRAMES, () => chatSocketCase(rng))));
    outcomes.push(...(await runAll(ROUNDS.open311Post, () => open311PostCase(rng))));
    const numbers = (await w.t.hub.db.prisma.ticket.findMany({ select: { number: true }, take: 50 })).map(
      (t) => t.number,
    );
    outcomes.push(...(await runAll(ROUNDS.open311Get, () => open311GetCase(rng, numbers))));
    outcomes.push(...(await runAll(ROUNDS.wechat, (i) => wechatCase(rng, i), PUSH_CONCURRENCY)));
    outcomes.push(...(await runAll(ROUNDS.weibo, () => weiboCase(rng), PUSH_CONCURRENCY)));

    const failures = outcomes.filter((o) => o.status >= 500);
    expect({ failures: failures.slice(0, 10), serverErrors: serverErrors.slice(0, 5) }).toEqual({
      failures: [],
      serverErrors: [],
    });
    expect(outcomes.length).toBeGreaterThanOrEqual(10_000);
    // Each endpoint was really reached: some inputs were taken in, others refused.
    const byEndpoint = new Map<string, { ok: number; refused: number }>();
    for (const o of outcomes) {
      const counts = byEndpoint.get(o.endpoint) ?? { ok: 0, refused: 0 };
      if (o.status < 300) counts.ok++;
      else counts.refused++;
      byEndpoint.set(o.endpoint, counts);
    }
    for (const [endpoint, counts] of byEndpoint) {
      expect(counts.ok, endpoint).toBeGreaterThan(0);
      expect(counts.refused, endpoint).toBeGreaterThan(0);
    }

    // No ticket number burned: the counters handed out exactly as many numbers as there are
    // tickets — once the pushes answered "later" (past the passive budget) have finished.
    const prisma = w.t.hub.db.prisma;
    const count = async () => ({
      handedOut: (await prisma.ticketCounter.aggregate({ _sum: { value: true } }))._sum.value ?? 0,
      tickets: await prisma.ticket.count(),
    });
    const settled = await eventually(async () => {
      const now = await count();
      return now.handedOut === now.tickets ? now : undefined;
    }, 10_000).catch(() => count());
    expect(settled.tickets).toBeGreaterThan(100);
    expect(settled.handedOut).toBe(settled.tickets);
    const tickets = settled.tickets;
    console.info(
      `fuzz seed ${SEED}: ${outcomes.length} inputs, ${tickets} tickets, ${Date.now() - started} ms`,
      Object.fromEntries(byEndpoint),
    );
  }, 180_000);
});
