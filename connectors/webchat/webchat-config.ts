// The web chat's section of the configuration (WEBCHAT_* variables). Web chat is always
// on, so every setting has a default; the core's RATE_LIMIT=off turns its limits off too.
import { z } from "zod";
import { emptyAsUndefined, parseEnv } from "../../src/config.ts";

const limit = (what: string, fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number({ message: `must be a whole number of ${what}` })
      .int()
      .min(1)
      .max(100_000)
      .default(fallback),
  );

const webchatEnv = z.object({
  /** Open chat sockets one IP address may hold (per web process). */
  WEBCHAT_MAX_SOCKETS_PER_IP: limit("sockets", 20),
  /** Messages one socket may have awaiting their answers; more get a polite "please wait" frame. */
  WEBCHAT_MAX_FRAMES_IN_FLIGHT: limit("messages", 4),
});

export interface WebchatConfig {
  maxSocketsPerIp: number;
  maxFramesInFlight: number;
}

/** The limits as the chat applies them: none while rate limits are off (RATE_LIMIT=off). */
export type WebchatLimits = { [K in keyof WebchatConfig]: WebchatConfig[K] | undefined };

export function loadWebchatConfig(env: NodeJS.ProcessEnv): WebchatConfig {
  const e = parseEnv(webchatEnv, env);
  return { maxSocketsPerIp: e.WEBCHAT_MAX_SOCKETS_PER_IP, maxFramesInFlight: e.WEBCHAT_MAX_FRAMES_IN_FLIGHT };
}

export function webchatLimits(settings: WebchatConfig, rateLimited: boolean): WebchatLimits {
  return rateLimited ? settings : { maxSocketsPerIp: undefined, maxFramesInFlight: undefined };
}
