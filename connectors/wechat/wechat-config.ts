// The WeChat connector's section of the configuration (WECHAT_* variables).
import { z } from "zod";
import { booleanString, emptyAsUndefined, parseEnv, requireAllOrNone } from "../../src/config.ts";

const wechatEnv = z.object({
  WECHAT_TOKEN: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9]{3,32}$/, "must be 3–32 letters or digits")
      .optional(),
  ),
  WECHAT_APP_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^wx[0-9a-f]{16}$/i, "must look like wx followed by 16 hex digits")
      .optional(),
  ),
  WECHAT_APP_SECRET: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  WECHAT_ENCODING_AES_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}$/, "must be 43 characters (letters, digits, + or /)")
      .optional(),
  ),
  /**
   * Accept plaintext pushes (signed without the body) although the AES key is set.
   * Default false: only pushes whose ciphertext is signed are trusted.
   */
  WECHAT_ALLOW_PLAINTEXT: z.preprocess(emptyAsUndefined, booleanString.optional()),
  WECHAT_API_BASE: z.preprocess(
    emptyAsUndefined,
    z.url({ message: "must be a URL" }).default("https://api.weixin.qq.com"),
  ),
  /** Template message used when the 48-hour customer-service window has closed (optional). */
  WECHAT_TEMPLATE_ID: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** The template's data key that receives the text, e.g. {{content.DATA}}. */
  WECHAT_TEMPLATE_TEXT_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, "must be a template data key")
    .default("content"),
});

/** The WeChat Official Account connector's settings; absent when it is not configured. */
export interface WechatConfig {
  token: string;
  appId: string;
  appSecret: string;
  encodingAesKey: string;
  /** Plaintext mode accepted (WECHAT_ALLOW_PLAINTEXT); otherwise only compatible and safe mode. */
  allowPlaintext: boolean;
  apiBase: string;
  templateId: string | undefined;
  templateTextKey: string;
}

/** WeChat is on when its four credentials are set, off when none is; a wrong value throws a ConfigError naming it. */
export function loadWechatConfig(env: NodeJS.ProcessEnv): WechatConfig | undefined {
  const e = parseEnv(wechatEnv, env);
  if (!requireAllOrNone(e, ["WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_ENCODING_AES_KEY"]))
    return undefined;
  return {
    token: e.WECHAT_TOKEN!,
    appId: e.WECHAT_APP_ID!,
    appSecret: e.WECHAT_APP_SECRET!,
    encodingAesKey: e.WECHAT_ENCODING_AES_KEY!,
    // The AES key is always set when WeChat is on, so plaintext is off unless allowed.
    allowPlaintext: e.WECHAT_ALLOW_PLAINTEXT ?? false,
    apiBase: e.WECHAT_API_BASE.replace(/\/+$/, ""),
    templateId: e.WECHAT_TEMPLATE_ID,
    templateTextKey: e.WECHAT_TEMPLATE_TEXT_KEY,
  };
}
