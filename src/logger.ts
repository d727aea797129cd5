// Structured logs (pino). Every log line passes through the privacy mask.
import { pino, type Logger } from "pino";
import { maskText } from "./privacy/mask.ts";

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Fastify hands its own logger's serializers over only when it builds the logger.
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string }) => ({
          method: req.method,
          url: req.url,
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
