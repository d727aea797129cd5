// The Weibo connector's section of the configuration (WEIBO_* variables).
import { z } from "zod";
import { booleanString, emptyAsUndefined, parseEnv, requireAllOrNone } from "../../src/config.ts";

const weiboEnv = z.object({
  WEIBO_APP_SECRET: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  WEIBO_ACCESS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  WEIBO_UID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d{1,19}$/, "must be a numeric Weibo uid")
      .optional(),
  ),
  WEIBO_API_BASE: z.preprocess(
    emptyAsUndefined,
    z.url({ message: "must be a URL" }).default("https://api.weibo.com/2"),
  ),
  /** The fan-service message API (messages/reply.json) lives on its own host. */
  WEIBO_MESSAGE_API_BASE: z.preprocess(
    emptyAsUndefined,
    z.url({ message: "must be a URL" }).default("https://m.api.weibo.com/2"),
  ),
  WEIBO_POLL_INTERVAL_MS: z.coerce
    .number({ message: "must be a number of milliseconds" })
    .int()
    .min(1_000)
    .default(60_000),
  /** Also answer public complaints with a public comment (besides the private message). */
  WEIBO_PUBLIC_REPLY: z.preprocess(emptyAsUndefined, booleanString.optional()),
});

/** The Weibo connector's settings; absent when it is not configured. */
export interface WeiboConfig {
  appSecret: string;
  accessToken: string;
  uid: string;
  apiBase: string;
  messageApiBase: string;
  pollIntervalMs: number;
  publicReply: boolean;
}

/** Weibo is on when its three credentials are set, off when none is; a wrong value throws a ConfigError naming it. */
export function loadWeiboConfig(env: NodeJS.ProcessEnv): WeiboConfig | undefined {
  const e = parseEnv(weiboEnv, env);
  if (!requireAllOrNone(e, ["WEIBO_APP_SECRET", "WEIBO_ACCESS_TOKEN", "WEIBO_UID"])) return undefined;
  return {
    appSecret: e.WEIBO_APP_SECRET!,
    accessToken: e.WEIBO_ACCESS_TOKEN!,
    uid: e.WEIBO_UID!,
    apiBase: e.WEIBO_API_BASE.replace(/\/+$/, ""),
    messageApiBase: e.WEIBO_MESSAGE_API_BASE.replace(/\/+$/, ""),
    pollIntervalMs: e.WEIBO_POLL_INTERVAL_MS,
    publicReply: e.WEIBO_PUBLIC_REPLY ?? false,
  };
}
