// Scale-out (issue 16): the chat API with one web process, then with two sharing one
// PostgreSQL and one Redis (and one worker process), beside the Fastify echo in the same
// run. The 50 connections are split between the web processes as a load balancer would.
// On a 2-core machine the second process competes with the first, the load generator,
// PostgreSQL and Redis for the same cores, so the figure shows what a second process buys
// on one machine, not on two.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { formatRow, type LoadResult, runLoad } from "./load.ts";
import { hubEnv, SERVER_READY, startChild, stopChild, withBenchDatabase } from "./processes.ts";
import { chatBodies, openChatSessions } from "./questions.ts";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

/** Drives each web process with its share of the connections at once; sums the throughput. */
async function loadAcross(label: string, urls: string[], sessions: string[][], bodies: string[]): Promise<LoadResult> {
  const results = await Promise.all(
    urls.map((url, i) =>
      runLoad({
        label,
        url: `${url}/api/chat/messages`,
        bodies,
        sessions: sessions[i]!,
        connections: Math.floor(CONNECTIONS / urls.length),
        durationSeconds: DURATION,
      }),
    ),
  );
  return {
    label,
    requestsPerSecond: results.reduce((n, r) => n + r.requestsPerSecond, 0),
    // Each process's own percentiles; the slower process's is the honest one to show.
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    max: Math.max(...results.map((r) => r.max)),
    requests: results.reduce((n, r) => n + r.requests, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
  };
}

export async function runScaleOutBench(echoUrl: string): Promise<void> {
  await withBenchDatabase(async (databaseUrl) => {
    if (!databaseUrl) {
      console.log("(scale-out is measured on PostgreSQL only)");
      return;
    }
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-scale-"));
    const env = hubEnv(dataDir, databaseUrl, { WORKERS_IN_PROCESS: "false" });
    const started = [await startChild(["src/worker.ts"], { ...env, LOG_LEVEL: "info" }, /workers running()/)];
    try {
      const first = await startChild(["src/server.ts"], env, SERVER_READY);
      started.push(first);
      const bodies = chatBodies();
      const firstSessions = await openChatSessions(first.url, 1000);
      await runLoad({ label: "warm-up", url: `${echoUrl}/echo`, bodies, durationSeconds: 2 });
      await loadAcross("warm-up", [first.url], [firstSessions], bodies);
      const echo = await runLoad({
        label: "baseline: Fastify echo",
        url: `${echoUrl}/echo`,
        bodies,
        durationSeconds: DURATION,
      });
      const one = await loadAcross("chat API, 1 web process", [first.url], [firstSessions], bodies);

      const second = await startChild(["src/server.ts"], env, SERVER_READY);
      started.push(second);
      const secondSessions = await openChatSessions(second.url, 1000);
      await loadAcross("warm-up", [second.url], [secondSessions], bodies);
      const two = await loadAcross(
        "chat API, 2 web processes",
        [first.url, second.url],
        [firstSessions, secondSessions],
        bodies,
      );

      console.log(
        `Scale-out on PostgreSQL (one worker process; ${CONNECTIONS} connections split evenly, ${DURATION} s each):\n`,
      );
      for (const r of [echo, one, two]) console.log(formatRow(r));
      const share = (r: LoadResult) => `${((r.requestsPerSecond / echo.requestsPerSecond) * 100).toFixed(1)}% of echo`;
      console.log(
        `\n1 web process: ${share(one)};  2 web processes: ${share(two)}  ` +
          `(×${(two.requestsPerSecond / one.requestsPerSecond).toFixed(2)}; ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`,
      );
    } finally {
      for (const { child } of started.reverse()) await stopChild(child);
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
}
