// Weibo's REST API: the public API (statuses, comments; https://api.weibo.com/2) and
// the fan-service message API (messages/reply.json; https://m.api.weibo.com/2).
// Errors come back as {"error", "error_code", "request"}, usually with HTTP 4xx.
import { parseWeiboDate } from "./weibo-date.ts";
import type { PublicPost } from "./weibo-public-post.ts";

const TIMEOUT_MS = 10_000;

export class WeiboApiError extends Error {
  override name = "WeiboApiError";
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number | undefined,
    readonly error: string,
    readonly path: string,
  ) {
    super(`${path}: HTTP ${httpStatus}${errorCode ? `, error_code ${errorCode}` : ""} (${error})`);
  }
}

/** Rate limits: per IP, per user, per user and API. */
export const RATE_LIMIT_CODES = new Set([10022, 10023, 10024]);
/** The access token is missing, invalid, expired or revoked. */
export const AUTH_CODES = new Set([21301, 21314, 21315, 21316, 21317, 21319, 21327, 21332, 21501]);
/** The app or account lacks the permission (Weibo grants some APIs per account). */
export const PERMISSION_CODES = new Set([10005, 10014, 10015, 21321]);

export type PublicStream = "mentions" | "comments";

/** A public post as a stream lists it: with the stream's own id (the cursor moves by it). */
export type PolledPost = PublicPost & { id: string };

export interface WeiboApiConfig {
  apiBase: string;
  messageApiBase: string;
  accessToken: string;
}

export class WeiboApi {
  constructor(private readonly config: WeiboApiConfig) {}

  /** One page of a public stream, newest first. */
  async publicPage(
    stream: PublicStream,
    options: { sinceId?: string; count: number; page: number },
  ): Promise<PolledPost[]> {
    const path = stream === "mentions" ? "/statuses/mentions.json" : "/comments/to_me.json";
    const query = new URLSearchParams({
      access_token: this.config.accessToken,
      count: String(options.count),
      page: String(options.page),
    });
    if (options.sinceId) query.set("since_id", options.sinceId);
    const body = await this.request(this.config.apiBase, path, { method: "GET", query });
    if (stream === "mentions") return arrayOf(body, "statuses", path).map((s) => toPost("mention", s, path));
    return arrayOf(body, "comments", path).map((c) => toPost("comment", c, path));
  }

  /** A private message to a fan (within 48 h of their message; once per @-mention). */
  async replyMessage(receiverId: string, text: string): Promise<void> {
    const form = new URLSearchParams({
      access_token: this.config.accessToken,
      type: "text",
      // The `data` field is URL-encoded JSON: the form encoding does exactly that.
      data: JSON.stringify({ text }),
      receiver_id: receiverId,
      save_sender_box: "1",
    });
    await this.request(this.config.messageApiBase, "/messages/reply.json", { method: "POST", form });
  }

  /** A public reply to a comment on the account's post. */
  async replyComment(commentId: string, statusId: string, comment: string): Promise<void> {
    const form = new URLSearchParams({
      access_token: this.config.accessToken,
      cid: commentId,
      id: statusId,
      comment,
      without_mention: "0",
    });
    await this.request(this.config.apiBase, "/comments/reply.json", { method: "POST", form });
  }

  /** A public comment on a post (how the account answers a post that mentioned it). */
  async createComment(statusId: string, comment: string): Promise<void> {
    const form = new URLSearchParams({ access_token: this.config.accessToken, id: statusId, comment });
    await this.request(this.config.apiBase, "/comments/create.json", { method: "POST", form });
  }

  private async request(
    base: string,
    path: string,
    options: { method: "GET"; query: URLSearchParams } | { method: "POST"; form: URLSearchParams },
  ): Promise<Record<string, unknown>> {
    const url = options.method === "GET" ? `${base}${path}?${options.query}` : `${base}${path}`;
    const response = await fetch(url, {
      method: options.method,
      headers: options.method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : undefined,
      body: options.method === "POST" ? options.form.toString() : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const errorCode = body && body.error_code !== undefined ? Number(body.error_code) : undefined;
    if (!response.ok || errorCode !== undefined || !body) {
      throw new WeiboApiError(response.status, errorCode, String(body?.error ?? text.slice(0, 200)), path);
    }
    return body;
  }
}

function arrayOf(body: Record<string, unknown>, field: string, path: string): Record<string, unknown>[] {
  const value = body[field];
  if (!Array.isArray(value)) throw new WeiboApiError(200, undefined, `answer has no "${field}" array`, path);
  return value as Record<string, unknown>[];
}

/** Ids are 64-bit: prefer the string forms, since JSON numbers above 2^53 lose digits. */
function idOf(item: Record<string, unknown> | undefined): string | undefined {
  if (!item) return undefined;
  const id = item.idstr ?? item.mid ?? item.id;
  return id === undefined || id === null ? undefined : String(id);
}

function toPost(kind: PublicPost["kind"], item: Record<string, unknown>, path: string): PolledPost {
  const id = kind === "comment" ? (item.idstr !== undefined ? String(item.idstr) : String(item.id)) : idOf(item);
  const user = item.user as Record<string, unknown> | undefined;
  const uid = idOf(user);
  const createdAt = parseWeiboDate(String(item.created_at ?? ""));
  if (!id || !/^\d+$/.test(id) || !uid || typeof item.text !== "string" || !createdAt) {
    throw new WeiboApiError(200, undefined, `an item lacks id, user, text or created_at`, path);
  }
  const status = item.status as Record<string, unknown> | undefined;
  return {
    id,
    kind,
    uid,
    text: item.text,
    createdAt,
    statusId: kind === "comment" ? idOf(status) : id,
    commentId: kind === "comment" ? id : undefined,
    raw: item,
  };
}
