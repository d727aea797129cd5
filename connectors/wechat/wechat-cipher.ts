// WeChat's message encryption (the "safe" and "compatible" modes): AES-256-CBC with
// the key from EncodingAESKey, IV = the key's first 16 bytes, and PKCS#7 padding to
// 32-byte blocks — not 16, so Node's own padding must stay off. The plaintext is
// random(16) ‖ uint32BE(length) ‖ message ‖ appid.
import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";

const BLOCK = 32;

// Random prefixes come from a pool refilled 4 KB at a time: one system call per 256 messages.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

export class WechatCryptoError extends Error {
  override name = "WechatCryptoError";
}

export interface Decrypted {
  message: string;
  appId: string;
}

export class WechatCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(encodingAesKey: string) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey))
      throw new WechatCryptoError("EncodingAESKey must be 43 base64 characters");
    this.key = Buffer.from(`${encodingAesKey}=`, "base64");
    if (this.key.length !== 32) throw new WechatCryptoError("EncodingAESKey does not decode to 32 bytes");
    this.iv = this.key.subarray(0, 16);
  }

  /** Base64 ciphertext of `message` for `appId`; `random` (16 bytes) only for reproducible tests. */
  encrypt(message: string, appId: string, random: Buffer = random16()): string {
    if (random.length !== 16) throw new WechatCryptoError("random must be 16 bytes");
    // Built in place, in one buffer: random ‖ length ‖ message ‖ appid ‖ padding.
    const bodyLength = Buffer.byteLength(message, "utf8");
    const unpadded = 20 + bodyLength + Buffer.byteLength(appId, "utf8");
    const pad = BLOCK - (unpadded % BLOCK);
    const plain = Buffer.allocUnsafe(unpadded + pad);
    random.copy(plain, 0);
    plain.writeUInt32BE(bodyLength, 16);
    plain.write(message, 20, "utf8");
    plain.write(appId, 20 + bodyLength, "utf8");
    plain.fill(pad, unpadded);
    const cipher = createCipheriv("aes-256-cbc", this.key, this.iv).setAutoPadding(false);
    // No padding and whole blocks: update() returns everything, final() nothing.
    const encrypted = cipher.update(plain);
    cipher.final();
    return encrypted.toString("base64");
  }

  /** Decrypts and unpacks; throws WechatCryptoError on anything that is not a well-formed WeChat ciphertext. */
  decrypt(encrypted: string): Decrypted {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new WechatCryptoError("Encrypt is not base64");
    const data = Buffer.from(encrypted, "base64");
    if (data.length === 0 || data.length % 16 !== 0)
      throw new WechatCryptoError("ciphertext is not a whole number of AES blocks");
    const decipher = createDecipheriv("aes-256-cbc", this.key, this.iv).setAutoPadding(false);
    const plain = decipher.update(data);
    decipher.final();
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
      throw new WechatCryptoError("bad padding");
    }
    const unpadded = plain.subarray(0, plain.length - pad);
    if (unpadded.length < 20) throw new WechatCryptoError("plaintext too short");
    const length = unpadded.readUInt32BE(16);
    if (20 + length > unpadded.length) throw new WechatCryptoError("message length exceeds the plaintext");
    return {
      message: unpadded.subarray(20, 20 + length).toString("utf8"),
      appId: unpadded.subarray(20 + length).toString("utf8"),
    };
  }
}
