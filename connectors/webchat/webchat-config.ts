// The web chat's section of the configuration (WEBCHAT_* variables, and RATE_LIMIT for
// its socket limits). Web chat is always on, so every setting has a default.
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
  // Shared with the core's rate limits: "off" turns every limit off (load tests on a private network).
  RATE_LIMIT: z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toLowerCase() || undefined : value),
    z.enum(["on", "off", "true", "false", "1", "0"], { message: "must be on or off" }).default("on"),
  ),
});

export interface WebchatConfig {
  /** undefined = no limit (RATE_LIMIT=off). */
  maxSocketsPerIp: number | undefined;
  maxFramesInFlight: number | undefined;
}

export function loadWebchatConfig(env: NodeJS.ProcessEnv): WebchatConfig {
  const e = parseEnv(webchatEnv, env);
  const limited = !["off", "false", "0"].includes(e.RATE_LIMIT);
  return {
    maxSocketsPerIp: limited ? e.WEBCHAT_MAX_SOCKETS_PER_IP : undefined,
    maxFramesInFlight: limited ? e.WEBCHAT_MAX_FRAMES_IN_FLIGHT : undefined,
  };
}
