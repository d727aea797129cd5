import { connect } from "node:net";

const DEFAULT_PORTS: Record<string, number> = {
  "postgres:": 5432,
  "postgresql:": 5432,
  "redis:": 6379,
  "rediss:": 6379,
  "http:": 80,
  "https:": 443,
};

/** Host and port a service URL points at (postgres://, redis://, http://…). */
export function hostPortOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const defaultPort = DEFAULT_PORTS[parsed.protocol];
  const port = parsed.port !== "" ? Number(parsed.port) : defaultPort;
  if (port === undefined || !Number.isInteger(port)) {
    throw new Error(`cannot tell the TCP port of ${url}`);
  }
  // URL keeps the brackets around IPv6 literals; net.connect wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  return { host, port };
}

/** True when something accepts TCP connections at the URL's host:port within timeoutMs. */
export function isTcpReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  let target: { host: string; port: number };
  try {
    target = hostPortOf(url);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = connect(target);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
