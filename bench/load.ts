// Drives an HTTP endpoint with autocannon and returns the figures the bench prints.
import autocannon from "autocannon";

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The slowest request, in ms. */
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface LoadOptions {
  label: string;
  url: string;
  /** JSON bodies posted to `url`, in turn. */
  bodies?: string[];
  /** Web-chat sessions (X-Chat-Session), used in turn with the bodies. */
  sessions?: string[];
  /** Or: each request's path (with query) and body, made fresh (e.g. a signed push). */
  next?: () => { path: string; body: string };
  contentType?: string;
  onResponse?: (status: number, body: string) => void;
  connections?: number;
  durationSeconds?: number;
  /** A request taking longer counts as a timeout (autocannon's default is 10 s). */
  timeoutSeconds?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const bodies = options.bodies ?? [];
  const result = await autocannon({
    url: options.url,
    method: "POST",
    connections: options.connections ?? 50,
    duration: options.durationSeconds ?? 10,
    timeout: options.timeoutSeconds ?? 10,
    headers: { "content-type": options.contentType ?? "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          if (options.next) {
            const { path, body } = options.next();
            return { ...request, path, body };
          }
          const i = next++;
          const session = options.sessions?.[i % options.sessions.length];
          const body = bodies[i % bodies.length];
          return session
            ? { ...request, body, headers: { ...request.headers, "x-chat-session": session } }
            : { ...request, body };
        },
        ...(options.onResponse && { onResponse: (status: number, body: string) => options.onResponse!(status, body) }),
      },
    ],
  });
  return {
    label: options.label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** One line of the benchmark's table. */
export function formatRow(r: LoadResult): string {
  return `${r.label.padEnd(26)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
}
