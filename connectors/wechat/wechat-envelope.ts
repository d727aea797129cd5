// The three ways WeChat delivers a message, and the matching way back:
//   plaintext   (no encrypt_type, or raw): XML as is, checked by `signature`;
//   compatible  (encrypt_type=aes, plain fields beside <Encrypt>) and
//   safe        (encrypt_type=aes, only <ToUserName> and <Encrypt>): checked by
//               `msg_signature` over the ciphertext, and answered encrypted.
// Plaintext's `signature` does not cover the body, so with the AES key set (always,
// when WeChat is on) plaintext is refused unless explicitly allowed; in compatible
// mode only the decrypted <Encrypt> is read, never the plain fields beside it.
import { randomInt } from "node:crypto";
import { HttpError } from "../../src/http/error-handler.ts";
import { signatureMatches, sortedSha1 } from "../shared/sorted-sha1.ts";
import { type Decrypted, WechatCipher, WechatCryptoError } from "./wechat-cipher.ts";
import { buildWechatXml, parseWechatXml, textOf, type XmlElement, XmlError } from "./wechat-xml.ts";
import type { SignedQuery } from "../shared/signed-query.ts";

export type WechatMode = "plaintext" | "compatible" | "safe";

export interface WechatQuery extends SignedQuery {
  openid?: string;
  encrypt_type?: string;
  msg_signature?: string;
}

export interface OpenedMessage {
  mode: WechatMode;
  fields: XmlElement;
}

export class WechatEnvelope {
  private readonly cipher: WechatCipher;

  constructor(
    private readonly token: string,
    private readonly appId: string,
    encodingAesKey: string,
    /** Plaintext pushes accepted (WECHAT_ALLOW_PLAINTEXT). */
    private readonly allowPlaintext = false,
  ) {
    this.cipher = new WechatCipher(encodingAesKey);
  }

  /** URL verification: the echostr to answer, or a 401. */
  verifyUrl(query: WechatQuery): string {
    this.checkSignature(query);
    return query.echostr ?? "";
  }

  /** Checks, decrypts and parses a pushed message; 401 for a bad signature, 400 for a bad body. */
  open(query: WechatQuery, body: string): OpenedMessage {
    if (query.encrypt_type === undefined || query.encrypt_type === "raw") {
      this.checkSignature(query);
      if (!this.allowPlaintext) {
        throw new HttpError(
          401,
          "plaintext pushes are refused: the AES key is set (WECHAT_ALLOW_PLAINTEXT=true allows them)",
        );
      }
      return { mode: "plaintext", fields: parse(body) };
    }
    if (query.encrypt_type !== "aes") throw new HttpError(400, `encrypt_type "${query.encrypt_type}" is not supported`);
    const outer = parse(body);
    const encrypted = textOf(outer, "Encrypt")?.trim();
    if (!encrypted) throw new HttpError(400, "Encrypt is missing");
    const { timestamp, nonce } = this.timestampAndNonce(query);
    if (!signatureMatches(query.msg_signature, [this.token, timestamp, nonce, encrypted]))
      throw new HttpError(401, "msg_signature does not match");
    let decrypted: Decrypted;
    try {
      decrypted = this.cipher.decrypt(encrypted);
    } catch (error) {
      if (error instanceof WechatCryptoError) throw new HttpError(400, `Encrypt cannot be decrypted: ${error.message}`);
      throw error;
    }
    if (decrypted.appId !== this.appId) throw new HttpError(401, "the message is for another AppID");
    const mode: WechatMode = Object.keys(outer).some((name) => name !== "ToUserName" && name !== "Encrypt")
      ? "compatible"
      : "safe";
    // Compatible mode's plain fields are unsigned: only what was encrypted is read.
    return { mode, fields: parse(decrypted.message) };
  }

  /** The response body for a reply in the mode the message came in. */
  seal(mode: WechatMode, replyXml: string, now = new Date()): string {
    if (mode === "plaintext") return replyXml;
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const nonce = String(randomInt(100_000_000, 2_000_000_000));
    const encrypted = this.cipher.encrypt(replyXml, this.appId);
    return buildWechatXml({
      Encrypt: encrypted,
      MsgSignature: sortedSha1([this.token, timestamp, nonce, encrypted]),
      TimeStamp: Number(timestamp),
      Nonce: nonce,
    });
  }

  private checkSignature(query: WechatQuery): void {
    const { timestamp, nonce } = this.timestampAndNonce(query);
    if (!signatureMatches(query.signature, [this.token, timestamp, nonce]))
      throw new HttpError(401, "signature does not match");
  }

  private timestampAndNonce(query: WechatQuery): { timestamp: string; nonce: string } {
    if (!query.timestamp || !query.nonce) throw new HttpError(401, "timestamp and nonce are required");
    return { timestamp: query.timestamp, nonce: query.nonce };
  }
}

function parse(xml: string): XmlElement {
  try {
    return parseWechatXml(xml);
  } catch (error) {
    if (error instanceof XmlError) throw new HttpError(400, `malformed XML: ${error.message}`);
    throw error;
  }
}

/** A passive text reply: To and From swapped. */
export function textReplyXml(to: string, from: string, content: string, now = new Date()): string {
  return buildWechatXml({
    ToUserName: to,
    FromUserName: from,
    CreateTime: Math.floor(now.getTime() / 1000),
    MsgType: "text",
    Content: content,
  });
}
