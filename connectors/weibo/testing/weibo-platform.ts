// Plays Weibo's side of the push protocol for tests: signed push URLs and bodies.
import { createHash, randomInt } from "node:crypto";
import { formatWeiboDate } from "../weibo-date.ts";

export class WeiboPlatform {
  constructor(
    private readonly appSecret: string,
    readonly accountUid: string,
  ) {}

  /** The query string of a signed push (or verification, with echostr). */
  signedUrl(options: { echostr?: string; secret?: string; signedAt?: Date } = {}): string {
    const timestamp = String((options.signedAt ?? new Date()).getTime()); // Weibo's are milliseconds
    const nonce = String(randomInt(1e7, 1e8));
    const signature = createHash("sha1")
      .update([options.secret ?? this.appSecret, timestamp, nonce].sort().join(""))
      .digest("hex");
    const echo = options.echostr ? `&echostr=${encodeURIComponent(options.echostr)}` : "";
    return `/connectors/weibo?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}${echo}`;
  }

  push(type: string, senderId: string, fields: { text?: string; data?: unknown; at?: Date } = {}) {
    return {
      type,
      receiver_id: Number(this.accountUid),
      sender_id: Number(senderId),
      created_at: formatWeiboDate(fields.at ?? new Date()),
      text: fields.text ?? "",
      data: fields.data ?? {},
    };
  }
}
