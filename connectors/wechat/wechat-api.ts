// The WeChat server API (https://api.weixin.qq.com, configurable): every answer is
// JSON, and a failure is an `errcode` other than 0 — usually with HTTP 200.
const TIMEOUT_MS = 10_000;

export class WechatApiError extends Error {
  override name = "WechatApiError";
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly path: string,
  ) {
    super(`${path}: errcode ${errcode} (${errmsg})`);
  }
}

/** access_token problems that a fresh token fixes: invalid/not latest, invalid type, expired. */
export const STALE_TOKEN_CODES = new Set([40001, 40014, 42001]);

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export class WechatApi {
  constructor(private readonly base: string) {}

  /** GET /cgi-bin/token: a new access token (the previous one stays valid for about 5 minutes). */
  async fetchToken(appId: string, secret: string): Promise<IssuedToken> {
    const query = new URLSearchParams({ grant_type: "client_credential", appid: appId, secret });
    const body = await this.request("GET", `/cgi-bin/token?${query}`, "/cgi-bin/token");
    return tokenFrom(body, "/cgi-bin/token");
  }

  /** POST /cgi-bin/stable_token: the current token without invalidating anyone else's (unless forced). */
  async stableToken(appId: string, secret: string, forceRefresh = false): Promise<IssuedToken> {
    const body = await this.request("POST", "/cgi-bin/stable_token", "/cgi-bin/stable_token", {
      grant_type: "client_credential",
      appid: appId,
      secret,
      force_refresh: forceRefresh,
    });
    return tokenFrom(body, "/cgi-bin/stable_token");
  }

  /** POST `path`?access_token=… with a JSON body; throws WechatApiError for a nonzero errcode. */
  async post(path: string, accessToken: string, payload: unknown): Promise<Record<string, unknown>> {
    return this.request("POST", `${path}?access_token=${encodeURIComponent(accessToken)}`, path, payload);
  }

  private async request(
    method: "GET" | "POST",
    pathAndQuery: string,
    path: string,
    payload?: unknown,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.base}${pathAndQuery}`, {
      method,
      headers: payload === undefined ? undefined : { "content-type": "application/json; charset=utf-8" },
      // WeChat expects Chinese as UTF-8, not \u escapes (JSON.stringify writes it as is).
      body: payload === undefined ? undefined : JSON.stringify(payload),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error(`${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    const errcode = Number(body.errcode ?? 0);
    if (errcode !== 0) throw new WechatApiError(errcode, String(body.errmsg ?? ""), path);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return body;
  }
}

function tokenFrom(body: Record<string, unknown>, path: string): IssuedToken {
  if (typeof body.access_token !== "string" || typeof body.expires_in !== "number") {
    throw new Error(`${path}: answer has no access_token/expires_in`);
  }
  return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
}
