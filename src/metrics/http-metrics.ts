// Request latency per route. The label is the route's pattern (/api/tickets/:number), never
// the raw URL: one series per route, not per ticket, and no ticket number or token in a label.
// Requests no route matched share the route "unmatched". The histogram's count is the
// request counter (rate(http_request_duration_seconds_count[5m]) is requests per second).
import { Histogram, type Registry } from "prom-client";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HttpMetrics {
  private readonly duration: Histogram<"method" | "route" | "status_class">;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency by route pattern, method and status class",
      labelNames: ["method", "route", "status_class"],
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** One finished request; route is the matched pattern, undefined when none matched. */
  observe(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.duration.observe(
      { method, route: route ?? "unmatched", status_class: `${Math.floor(statusCode / 100)}xx` },
      seconds,
    );
  }
}
