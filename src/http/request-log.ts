// Fastify's per-request log lines: one line per request, when it completes (method, url,
// route pattern, status, time), instead of Fastify's two ("incoming request" and "request
// completed") that repeat the same request; a WebSocket upgrade is logged when it comes. Probes — health checks and Prometheus scrapes,
// every few seconds from every load balancer and scraper — are logged at debug, so the
// info level shows traffic and events, not the monitoring of them.
import { type FastifyReply, type FastifyRequest, LogController } from "fastify";

/** Paths whose requests are monitoring, not traffic. */
const PROBE_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

function isProbe(request: FastifyRequest): boolean {
  return PROBE_PATHS.has(request.routeOptions.url ?? "");
}

export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    // The completed line says everything this one would. A WebSocket upgrade is the exception:
    // its request is handed to the socket and may never "complete", so it is logged as it comes.
    if (request.headers.upgrade?.toLowerCase() === "websocket") {
      request.log.info({ req: request, route: request.routeOptions.url }, "websocket upgrade");
    }
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    const fields = {
      req: request,
      route: request.routeOptions.url,
      res: reply,
      responseTime: reply.elapsedTime,
    };
    if (isProbe(request)) reply.log.debug(fields, "request completed");
    else reply.log.info(fields, "request completed");
  }
}
