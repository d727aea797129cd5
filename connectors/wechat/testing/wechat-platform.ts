// Plays WeChat's side of the message server protocol for tests and the benchmark:
// builds signed pushes in each mode and opens the replies. Encryption uses Tencent's
// own @wecom/crypto, an implementation independent of the connector's.
import { createHash, randomBytes, randomInt } from "node:crypto";
import { decrypt, encrypt, getSignature } from "@wecom/crypto";
import type { WechatMode } from "../wechat-envelope.ts";
import { buildWechatXml, parseWechatXml, textOf, type XmlElement, type XmlOut } from "../wechat-xml.ts";

export interface PlatformOptions {
  token: string;
  appId: string;
  encodingAesKey: string;
  /** The account's original id. */
  account?: string;
}

export interface Push {
  /** Path and query, e.g. /connectors/wechat?signature=…; */
  url: string;
  body: string;
}

export class WechatPlatform {
  readonly account: string;

  constructor(private readonly o: PlatformOptions) {
    this.account = o.account ?? "gh_97417a04a28d";
  }

  /** A message from `openid` (fields without the common header), as WeChat would post it in `mode`. */
  push(
    mode: WechatMode,
    openid: string,
    fields: Record<string, XmlOut>,
    createTime = Math.floor(Date.now() / 1000),
    signedAt?: Date,
  ): Push {
    const xml = buildWechatXml({ ToUserName: this.account, FromUserName: openid, CreateTime: createTime, ...fields });
    return this.pushXml(mode, xml, fields, signedAt);
  }

  /**
   * Any body (even malformed) signed for `mode`; compatible mode repeats `plainFields` beside <Encrypt>.
   * `signedAt`: the query's timestamp (default now), e.g. a stale one.
   */
  pushXml(mode: WechatMode, xml: string, plainFields: Record<string, XmlOut> = {}, signedAt = new Date()): Push {
    const timestamp = String(Math.floor(signedAt.getTime() / 1000));
    const nonce = String(randomInt(1e8, 2e9));
    const signature = sha1([this.o.token, timestamp, nonce]);
    const base = `/connectors/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=o_test`;
    if (mode === "plaintext") return { url: base, body: xml };
    const encrypted = encrypt(this.o.encodingAesKey, xml, this.o.appId, randomBytes(16));
    const msgSignature = getSignature(this.o.token, timestamp, nonce, encrypted);
    const outer =
      mode === "safe"
        ? buildWechatXml({ ToUserName: this.account, Encrypt: encrypted })
        : buildWechatXml({ ToUserName: this.account, ...plainFields, Encrypt: encrypted });
    return { url: `${base}&encrypt_type=aes&msg_signature=${msgSignature}`, body: outer };
  }

  /** The reply's fields: decrypted and signature-checked in the aes modes; undefined for `success`/empty. */
  openReply(mode: WechatMode, body: string): XmlElement | undefined {
    if (body === "success" || body === "") return undefined;
    if (mode === "plaintext") return parseWechatXml(body);
    const envelope = parseWechatXml(body);
    const encrypted = textOf(envelope, "Encrypt")!;
    const expected = getSignature(this.o.token, textOf(envelope, "TimeStamp")!, textOf(envelope, "Nonce")!, encrypted);
    if (expected !== textOf(envelope, "MsgSignature")) throw new Error("reply MsgSignature does not match");
    const opened = decrypt(this.o.encodingAesKey, encrypted);
    if (opened.id !== this.o.appId) throw new Error(`reply is for ${opened.id}`);
    return parseWechatXml(opened.message);
  }

  /** The URL-verification GET's query. */
  verification(echostr: string, token = this.o.token): string {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomInt(1e8, 2e9));
    return `/connectors/wechat?signature=${sha1([token, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}&echostr=${encodeURIComponent(echostr)}`;
  }
}

function sha1(parts: string[]): string {
  return createHash("sha1")
    .update([...parts].sort().join(""))
    .digest("hex");
}
