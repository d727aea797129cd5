// A stand-in for api.weixin.qq.com on loopback, for tests and the benchmark. It
// speaks the documented endpoints with their documented error codes, and keeps
// state the way WeChat does: each token fetch issues a new token and the previous
// one keeps working for 5 minutes; customer-service messages only within the
// citizen's 48-hour window; templates and menus validated like the real thing.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readRequestBody } from "../../shared/testing/read-request-body.ts";

export interface SentMessage {
  touser: string;
  content: string;
  accessToken: string;
}

export interface SentTemplate {
  touser: string;
  templateId: string;
  /** The link the message opens, when one was given. */
  url?: string;
  data: Record<string, { value: string }>;
  msgid: number;
}

interface IssuedToken {
  expiresAt: number;
  /** When a newer token was issued: this one then dies 5 minutes later. */
  supersededAt?: number;
}

const GRACE_MS = 5 * 60_000;
const TOKEN_SECONDS = 7200;
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

export class FakeWechatApi {
  readonly sent: SentMessage[] = [];
  readonly templates: SentTemplate[] = [];
  readonly menus: unknown[] = [];
  /** How many tokens were issued (GET /cgi-bin/token and forced stable_token). */
  tokenFetches = 0;
  /** Openids whose 48-hour window has closed (custom send → 45015). */
  readonly outsideWindow = new Set<string>();
  /** Openids that unfollowed (→ 43004). */
  readonly unfollowed = new Set<string>();
  /** Template ids that exist in the account. */
  readonly templateIds = new Set<string>();
  /** How long the token endpoint takes to answer, to make concurrent refreshes overlap. */
  tokenDelayMs = 0;

  private readonly tokens = new Map<string, IssuedToken>();
  private current: string | undefined;
  private readonly scripted: { path: string; errcode: number; errmsg: string }[] = [];
  private server: http.Server | undefined;
  private now = () => Date.now();

  constructor(
    readonly appId: string,
    readonly secret: string,
  ) {}

  /** The API base once started. */
  get url(): string {
    if (!this.server?.listening) throw new Error("the fake WeChat API is not started");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next call to `path` fails with `errcode` (e.g. -1 "system error"), once per entry. */
  failNext(path: string, errcode: number, errmsg = "system error"): void {
    this.scripted.push({ path, errcode, errmsg });
  }

  /** Every issued token expires now (→ 42001 until a new one is fetched). */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** Every issued token becomes invalid, as after a secret reset (→ 40001). */
  revokeTokens(): void {
    this.tokens.clear();
    this.current = undefined;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await readRequestBody(req);
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(payload));
    };
    const scripted = this.scripted.findIndex((s) => s.path === url.pathname);
    if (scripted >= 0) {
      const [failure] = this.scripted.splice(scripted, 1);
      return reply(200, { errcode: failure!.errcode, errmsg: failure!.errmsg });
    }
    try {
      if (url.pathname === "/cgi-bin/token" && req.method === "GET")
        return reply(200, await this.token(url.searchParams));
      if (url.pathname === "/cgi-bin/stable_token" && req.method === "POST")
        return reply(200, await this.stableToken(json(body)));
      if (req.method !== "POST") return reply(404, { errcode: 40066, errmsg: "invalid url" });
      const tokenError = this.checkToken(url.searchParams.get("access_token"));
      if (tokenError) return reply(200, tokenError);
      const payload = json(body);
      if (payload === undefined) return reply(200, { errcode: 47001, errmsg: "data format error" });
      switch (url.pathname) {
        case "/cgi-bin/message/custom/send":
          return reply(200, this.customSend(payload, url.searchParams.get("access_token")!));
        case "/cgi-bin/message/template/send":
          return reply(200, this.templateSend(payload));
        case "/cgi-bin/menu/create":
          return reply(200, this.menuCreate(payload));
        default:
          return reply(404, { errcode: 40066, errmsg: "invalid url" });
      }
    } catch (error) {
      return reply(500, { errcode: -1, errmsg: `system error: ${(error as Error).message}` });
    }
  }

  private async token(query: URLSearchParams) {
    if (query.get("grant_type") !== "client_credential") return { errcode: 40002, errmsg: "invalid grant_type" };
    if (query.get("appid") !== this.appId) return { errcode: 40013, errmsg: "invalid appid" };
    if (query.get("secret") !== this.secret) return { errcode: 40125, errmsg: "invalid appsecret" };
    return this.issue();
  }

  private async stableToken(body: Record<string, unknown> | undefined) {
    if (body?.grant_type !== "client_credential") return { errcode: 40002, errmsg: "invalid grant_type" };
    if (body.appid !== this.appId) return { errcode: 40013, errmsg: "invalid appid" };
    if (body.secret !== this.secret) return { errcode: 40125, errmsg: "invalid appsecret" };
    const current = this.current && this.tokens.get(this.current);
    if (!body.force_refresh && current && current.expiresAt > this.now() && !current.supersededAt) {
      return { access_token: this.current, expires_in: Math.round((current.expiresAt - this.now()) / 1000) };
    }
    return this.issue();
  }

  private async issue() {
    this.tokenFetches++;
    if (this.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
    const previous = this.current && this.tokens.get(this.current);
    if (previous) previous.supersededAt = this.now();
    const token = `TOKEN_${randomBytes(12).toString("hex")}`;
    this.tokens.set(token, { expiresAt: this.now() + TOKEN_SECONDS * 1000 });
    this.current = token;
    return { access_token: token, expires_in: TOKEN_SECONDS };
  }

  private checkToken(token: string | null) {
    if (!token) return { errcode: 41001, errmsg: "access_token missing" };
    const issued = this.tokens.get(token);
    if (!issued) return { errcode: 40001, errmsg: "invalid credential, access_token is invalid or not latest" };
    if (issued.supersededAt !== undefined && this.now() > issued.supersededAt + GRACE_MS) {
      return { errcode: 40001, errmsg: "invalid credential, access_token is invalid or not latest" };
    }
    if (issued.expiresAt <= this.now()) return { errcode: 42001, errmsg: "access_token expired" };
    return undefined;
  }

  private customSend(body: Record<string, unknown>, accessToken: string) {
    const touser = body.touser;
    const text = body.text as { content?: unknown } | undefined;
    if (typeof touser !== "string" || !OPENID.test(touser)) return { errcode: 40003, errmsg: "invalid openid" };
    if (body.msgtype !== "text") return { errcode: 40008, errmsg: "invalid message type" };
    if (typeof text?.content !== "string" || text.content === "") return { errcode: 44003, errmsg: "empty news data" };
    if (this.unfollowed.has(touser)) return { errcode: 43004, errmsg: "require subscribe" };
    if (this.outsideWindow.has(touser))
      return { errcode: 45015, errmsg: "response out of time limit or subscription is canceled" };
    this.sent.push({ touser, content: text.content, accessToken });
    return { errcode: 0, errmsg: "ok" };
  }

  private templateSend(body: Record<string, unknown>) {
    const touser = body.touser;
    if (typeof touser !== "string" || !OPENID.test(touser)) return { errcode: 40003, errmsg: "invalid openid" };
    if (typeof body.template_id !== "string" || !this.templateIds.has(body.template_id))
      return { errcode: 40037, errmsg: "invalid template_id" };
    if (this.unfollowed.has(touser)) return { errcode: 43004, errmsg: "require subscribe" };
    const data = body.data as Record<string, { value: string }> | undefined;
    if (!data || typeof data !== "object") return { errcode: 47001, errmsg: "data format error" };
    if (Object.values(data).some((field) => typeof field?.value !== "string"))
      return { errcode: 47001, errmsg: "data format error" };
    if (body.url !== undefined && (typeof body.url !== "string" || !/^https?:\/\//.test(body.url)))
      return { errcode: 40039, errmsg: "invalid url size" };
    const msgid = 1_000_000 + this.templates.length;
    this.templates.push({ touser, templateId: body.template_id, ...(body.url ? { url: body.url } : {}), data, msgid });
    return { errcode: 0, errmsg: "ok", msgid };
  }

  private menuCreate(body: Record<string, unknown>) {
    const buttons = body.button;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
      return { errcode: 40016, errmsg: "invalid button size" };
    for (const button of buttons as Record<string, unknown>[]) {
      if (Buffer.byteLength(String(button.name ?? "")) > 16 || !button.name)
        return { errcode: 40018, errmsg: "invalid button name size" };
      if (Array.isArray(button.sub_button)) {
        if (button.sub_button.length < 1 || button.sub_button.length > 5)
          return { errcode: 40023, errmsg: "invalid sub button size" };
        for (const sub of button.sub_button as Record<string, unknown>[]) {
          const problem = checkLeaf(sub, 60, { type: 40024, name: 40025, key: 40026, url: 40027 });
          if (problem) return problem;
        }
      } else {
        const problem = checkLeaf(button, 16, { type: 40017, name: 40018, key: 40019, url: 40022 });
        if (problem) return problem;
      }
    }
    this.menus.push(body);
    return { errcode: 0, errmsg: "ok" };
  }
}

function checkLeaf(
  button: Record<string, unknown>,
  nameBytes: number,
  codes: { type: number; name: number; key: number; url: number },
) {
  if (!button.name || Buffer.byteLength(String(button.name)) > nameBytes)
    return { errcode: codes.name, errmsg: "invalid button name size" };
  if (button.type === "click") {
    if (typeof button.key !== "string" || !button.key || Buffer.byteLength(button.key) > 128)
      return { errcode: codes.key, errmsg: "invalid button key size" };
    return undefined;
  }
  if (button.type === "view") {
    if (typeof button.url !== "string" || !/^https?:\/\//.test(button.url) || Buffer.byteLength(button.url) > 1024) {
      return { errcode: codes.url, errmsg: "invalid button url size" };
    }
    return undefined;
  }
  return { errcode: codes.type, errmsg: "invalid button type" };
}

function json(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
