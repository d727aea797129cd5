// Structured logs (pino). Every log line passes through the privacy mask.
import { pino, type Logger } from "pino";
import { maskDeep, maskText } from "./privacy/mask.ts";

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: {
        // Mask the structured fields of every line …
        log: (object) => maskDeep(object),
      },
      hooks: {
        // … and the message string itself.
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === "string" ? maskText(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
