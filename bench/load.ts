// Drives an HTTP endpoint with autocannon and returns the figures the bench prints.
import autocannon from "autocannon";

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  label: string;
  url: string;
  bodies: string[];
  connections?: number;
  durationSeconds?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: options.url,
    method: "POST",
    connections: options.connections ?? 50,
    duration: options.durationSeconds ?? 10,
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: options.bodies[next++ % options.bodies.length] }),
      },
    ],
  });
  return {
    label: options.label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
