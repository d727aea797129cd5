// Structured logs (pino). Every log line passes through the privacy mask.
import { pino, type Logger } from "pino";
import { maskText } from "./privacy/mask.ts";

export type { Logger };

/**
 * Query parameters never written to a log: push signatures and nonces (with the timestamp
 * beside them a logged signature could be replayed), who a push is from (`openid`), the URL
 * check's echo, and credentials some clients put in URLs. `timestamp` stays: alone it proves
 * nothing, and it shows clock skew when pushes are refused as stale.
 */
const SECRET_PARAMS = new Set([
  "signature",
  "msg_signature",
  "nonce",
  "openid",
  "echostr",
  "access_token",
  "token",
  "api_key",
  "sessionid",
  "session",
]);

/** The URL with the values of SECRET_PARAMS replaced by `***`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const at = url.indexOf("?");
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split("&")
    .map((part) => {
      const eq = part.indexOf("=");
      const name = eq < 0 ? part : part.slice(0, eq);
      return SECRET_PARAMS.has(decodeName(name).toLowerCase()) ? `${name}=***` : part;
    })
    .join("&");
  return `${url.slice(0, at)}?${query}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Fastify hands its own logger's serializers over only when it builds the logger.
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string }) => ({
          method: req.method,
          url: redactUrl(req.url),
          ip: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      hooks: {
        // Mask the finished line, so every field — including what serializers
        // produce from requests and errors — passes through the privacy mask.
        streamWrite: (line) => maskText(line),
      },
    },
    destination,
  );
}
