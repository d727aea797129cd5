// A stand-in for Weibo's APIs on loopback (api.weibo.com/2 and m.api.weibo.com/2 in
// one server), for tests and the benchmark: public streams paged by since_id, the
// fan-service reply API with its urlencoded JSON `data`, comment replies, and
// Weibo's error format {"error","error_code","request"} for bad tokens, rate limits
// and missing permissions.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readRequestBody } from "../../shared/testing/read-request-body.ts";
import { formatWeiboDate } from "../weibo-date.ts";

export interface FakePost {
  id: string;
  uid: string;
  screenName?: string;
  text: string;
  createdAt: Date;
  /** For comments: the commented post. */
  status?: { id: string; text: string };
}

interface WeiboError {
  status: number;
  error_code: number;
  error: string;
}

export const RATE_LIMITED: WeiboError = { status: 403, error_code: 10023, error: "User requests out of rate limit!" };
export const NO_PERMISSION: WeiboError = { status: 403, error_code: 10014, error: "Insufficient app permissions!" };
export const EXPIRED_TOKEN: WeiboError = { status: 401, error_code: 21327, error: "expired_token" };

export class FakeWeiboApi {
  readonly mentions: FakePost[] = [];
  readonly comments: FakePost[] = [];
  readonly messages: { receiverId: string; type: string; text: string }[] = [];
  readonly commentReplies: { cid: string; id: string; comment: string }[] = [];
  readonly createdComments: { id: string; comment: string }[] = [];
  /** Requests per path, e.g. calls["/2/statuses/mentions.json"]. */
  readonly calls: Record<string, number> = {};
  /** Fans the account has no message quota for (no message from them in 48 h, or they unfollowed). */
  readonly noQuota = new Set<string>();
  private readonly scripted: { path: string; error: WeiboError }[] = [];
  private server: http.Server | undefined;

  constructor(readonly accessToken: string) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/2`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests to `path` (e.g. "/2/statuses/mentions.json") fail with `error`. */
  failNext(path: string, error: WeiboError, times = 1): void {
    for (let i = 0; i < times; i++) this.scripted.push({ path, error });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname;
    this.calls[path] = (this.calls[path] ?? 0) + 1;
    const body = await readRequestBody(req);
    const form = new URLSearchParams(req.method === "POST" ? body : "");
    const param = (name: string) => form.get(name) ?? url.searchParams.get(name);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(payload));
    };
    const fail = (error: WeiboError) =>
      send(error.status, { error: error.error, error_code: error.error_code, request: path });

    const scripted = this.scripted.findIndex((s) => s.path === path);
    if (scripted >= 0) return fail(this.scripted.splice(scripted, 1)[0]!.error);
    const token = param("access_token");
    if (!token) return fail({ status: 400, error_code: 21301, error: "auth faild!" });
    if (token !== this.accessToken) return fail({ status: 401, error_code: 21332, error: "invalid_access_token" });

    if (req.method === "GET" && path === "/2/statuses/mentions.json")
      return send(200, { statuses: this.page(this.mentions, url).map(status) });
    if (req.method === "GET" && path === "/2/comments/to_me.json")
      return send(200, { comments: this.page(this.comments, url).map(comment) });
    if (req.method !== "POST")
      return fail({ status: 404, error_code: 10021, error: "HTTP method is not suported for this request!" });
    switch (path) {
      case "/2/messages/reply.json": {
        const receiverId = param("receiver_id");
        const type = param("type");
        let data: { text?: unknown };
        try {
          // `data` is URL-encoded JSON; the form decoding above has undone the encoding.
          data = JSON.parse(param("data") ?? "") as { text?: unknown };
        } catch {
          return fail({
            status: 400,
            error_code: 10017,
            error: "parameter (data)'s value invalid, expect (urlencoded json)",
          });
        }
        if (!receiverId || !/^\d+$/.test(receiverId))
          return fail({ status: 400, error_code: 10016, error: "miss required parameter (receiver_id)" });
        if (type !== "text" || typeof data.text !== "string" || data.text === "")
          return fail({ status: 400, error_code: 10017, error: "parameter (data)'s value invalid" });
        if ([...data.text].length >= 300)
          return fail({ status: 400, error_code: 10017, error: "text must be less than 300 characters" });
        if (this.noQuota.has(receiverId)) return fail(NO_PERMISSION);
        this.messages.push({ receiverId, type, text: data.text });
        return send(200, { result: true, sender_id: 1, receiver_id: Number(receiverId), type, data: param("data") });
      }
      case "/2/comments/reply.json": {
        const cid = param("cid");
        const id = param("id");
        const text = param("comment");
        if (!cid || !id || !text)
          return fail({ status: 400, error_code: 10016, error: "miss required parameter (cid, id, comment)" });
        if ([...text].length > 140)
          return fail({ status: 400, error_code: 20019, error: "repeat content or over 140 characters" });
        if (!this.comments.some((c) => c.id === cid && c.status?.id === id))
          return fail({ status: 400, error_code: 20101, error: "target weibo does not exist" });
        this.commentReplies.push({ cid, id, comment: text });
        return send(200, { id: Date.now(), text });
      }
      case "/2/comments/create.json": {
        const id = param("id");
        const text = param("comment");
        if (!id || !text)
          return fail({ status: 400, error_code: 10016, error: "miss required parameter (id, comment)" });
        if ([...text].length > 140) return fail({ status: 400, error_code: 20019, error: "over 140 characters" });
        this.createdComments.push({ id, comment: text });
        return send(200, { id: Date.now(), text });
      }
      default:
        return fail({ status: 404, error_code: 10001, error: "request api not found" });
    }
  }

  /** Newest first, only ids above since_id, `count` per page. */
  private page(posts: FakePost[], url: URL): FakePost[] {
    const since = BigInt(url.searchParams.get("since_id") ?? "0");
    const count = Math.min(200, Number(url.searchParams.get("count") ?? 20));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
    const newer = posts.filter((p) => BigInt(p.id) > since).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    return newer.slice((page - 1) * count, page * count);
  }
}

function user(post: FakePost) {
  return { id: Number(post.uid), idstr: post.uid, screen_name: post.screenName ?? `user${post.uid}` };
}

function status(post: FakePost) {
  return {
    id: Number(post.id),
    idstr: post.id,
    mid: post.id,
    text: post.text,
    created_at: formatWeiboDate(post.createdAt),
    user: user(post),
  };
}

function comment(post: FakePost) {
  return {
    id: Number(post.id),
    idstr: post.id,
    mid: post.id,
    text: post.text,
    created_at: formatWeiboDate(post.createdAt),
    user: user(post),
    status: post.status ? { id: Number(post.status.id), idstr: post.status.id, text: post.status.text } : undefined,
  };
}
