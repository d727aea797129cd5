import { randomBytes } from "node:crypto";
import * as wecom from "@wecom/crypto";
import { describe, expect, it } from "vitest";
import { signatureMatches, sortedSha1 } from "../connectors/shared/sorted-sha1.ts";
import { WechatCipher, WechatCryptoError } from "../connectors/wechat/wechat-cipher.ts";

// Golden vectors from ../shared/protocols/wechat-official-account.md (official samples).
const OFFICIAL = {
  key: "A".repeat(43),
  appId: "wxba5fad812f8e6fb9",
  token: "AAAAA",
  timestamp: "1714112445",
  nonce: "415670741",
  msgSignature: "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3",
  encrypt:
    "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=",
  plaintext:
    '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}',
};
// Tencent's WXBizMsgCrypt sample: its ciphertext is in the sample's comments.
const SAMPLE = {
  token: "QDG6eK",
  key: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  appId: "wx5823bf96d3bd56c7",
  msgSignature: "477715d11cdb4164915debcba66cb864d751f3e6",
  timestamp: "1409659813",
  nonce: "1372623149",
  encrypt:
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
};

/** Padding (1..32) the plaintext of `message` gets: random 16 + length 4 + message + appid. */
const padFor = (message: string, appId: string) =>
  32 - ((20 + Buffer.byteLength(message) + Buffer.byteLength(appId)) % 32);

describe("WeChat signatures", () => {
  it("matches the official URL-verification vector", () => {
    expect(sortedSha1(["AAAAA", "1714036504", "1514711492"])).toBe("f464b24fc39322e44b38aa78f5edd27bd1441696");
    expect(signatureMatches("F464B24FC39322E44B38AA78F5EDD27BD1441696", ["AAAAA", "1714036504", "1514711492"])).toBe(
      true,
    );
  });

  it("matches the msg_signature vectors (official safe mode and Tencent's sample)", () => {
    expect(sortedSha1([OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce, OFFICIAL.encrypt])).toBe(
      OFFICIAL.msgSignature,
    );
    expect(sortedSha1([SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt])).toBe(SAMPLE.msgSignature);
  });

  it("rejects a wrong, truncated or missing signature", () => {
    const parts = ["AAAAA", "1714036504", "1514711492"];
    expect(signatureMatches("f464b24fc39322e44b38aa78f5edd27bd1441697", parts)).toBe(false);
    expect(signatureMatches("f464b24fc39322e44b38aa78f5edd27bd144169", parts)).toBe(false);
    expect(signatureMatches(undefined, parts)).toBe(false);
    expect(signatureMatches("f464b24fc39322e44b38aa78f5edd27bd1441696", ["AAAAB", "1714036504", "1514711492"])).toBe(
      false,
    );
  });
});

describe("WeChat message encryption", () => {
  it("decrypts the official safe-mode vector (pad 19)", () => {
    expect(padFor(OFFICIAL.plaintext, OFFICIAL.appId)).toBe(19);
    expect(new WechatCipher(OFFICIAL.key).decrypt(OFFICIAL.encrypt)).toEqual({
      message: OFFICIAL.plaintext,
      appId: OFFICIAL.appId,
    });
  });

  it("reproduces the official reply vector exactly", () => {
    const encrypted = new WechatCipher(OFFICIAL.key).encrypt(
      '{"demo_resp":"good luck"}',
      OFFICIAL.appId,
      Buffer.from("707722b803182950"),
    );
    expect(encrypted).toBe("ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==");
    expect(sortedSha1([OFFICIAL.token, "1713424427", "415670741", encrypted])).toBe(
      "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1",
    );
  });

  it("decrypts Tencent's WXBizMsgCrypt sample (pad 30) to its text message", () => {
    const { message, appId } = new WechatCipher(SAMPLE.key).decrypt(SAMPLE.encrypt);
    expect(appId).toBe(SAMPLE.appId);
    expect(padFor(message, appId)).toBe(30);
    expect(message).toContain("<Content><![CDATA[hello]]></Content>");
    expect(message).toContain("<MsgId>4561255354251345929</MsgId>");
  });

  // Lengths chosen so the padding covers 1, 16, 17 (over one AES block), 31 and 32.
  const messages = [
    "身份证丢了怎么补办？",
    "<xml><Content><![CDATA[我家楼下的路灯坏了三天了，晚上很黑，老人出门不安全，请尽快修理。]]></Content></xml>",
    "🙂 表情和生僻字：𠮷𡈽，全角：ＡＢＣ１２３",
    "a",
    "",
    "x".repeat(12),
  ];
  const cipher = new WechatCipher(SAMPLE.key);

  it("round-trips with @wecom/crypto both ways, for every padding length 1..32", () => {
    const pads = new Set<number>();
    for (let extra = 0; extra < 32; extra++) {
      for (const base of messages) {
        const message = base + "字".repeat(extra % 3) + "z".repeat(extra);
        pads.add(padFor(message, SAMPLE.appId));
        // Encrypted there, decrypted here …
        const theirs = wecom.encrypt(SAMPLE.key, message, SAMPLE.appId);
        expect(cipher.decrypt(theirs)).toEqual({ message, appId: SAMPLE.appId });
        // … and encrypted here, decrypted there.
        const ours = cipher.encrypt(message, SAMPLE.appId);
        const opened = wecom.decrypt(SAMPLE.key, ours);
        expect({ message: opened.message, id: opened.id }).toEqual({ message, id: SAMPLE.appId });
      }
    }
    expect([...pads].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it("produces the same ciphertext as @wecom/crypto for the same random bytes", () => {
    const random = randomBytes(16);
    for (const message of messages) {
      expect(cipher.encrypt(message, SAMPLE.appId, random)).toBe(
        wecom.encrypt(SAMPLE.key, message, SAMPLE.appId, random),
      );
    }
  });

  it("rejects keys that are not 43 base64 characters", () => {
    expect(() => new WechatCipher("A".repeat(42))).toThrow(WechatCryptoError);
    expect(() => new WechatCipher("A".repeat(44))).toThrow(WechatCryptoError);
    expect(() => new WechatCipher(`${"A".repeat(42)}!`)).toThrow(WechatCryptoError);
  });

  it("rejects ciphertext that is not WeChat's: bad base64, partial blocks, wrong key, bad padding", () => {
    expect(() => cipher.decrypt("not base64!")).toThrow(WechatCryptoError);
    expect(() => cipher.decrypt(Buffer.alloc(20).toString("base64"))).toThrow(WechatCryptoError);
    expect(() => new WechatCipher(OFFICIAL.key).decrypt(SAMPLE.encrypt)).toThrow(WechatCryptoError);
    const tampered = Buffer.from(SAMPLE.encrypt, "base64");
    tampered[tampered.length - 1]! ^= 0xff;
    expect(() => cipher.decrypt(tampered.toString("base64"))).toThrow(WechatCryptoError);
  });
});
