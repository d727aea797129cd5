// Whether deadline timer jobs are in Redis as their rows want them, for many tickets in one
// pipelined round trip: a wanted timer is a delayed job due within the tolerance; a timer not
// wanted has no job. What does not match goes through DeadlineTimers' per-job path, which
// also handles the rare states (waiting, active, failed) this check does not tell apart.
import type { Queue } from "bullmq";

export interface WantedTimer {
  jobId: string;
  /** When it should fire (ms since epoch); undefined: no job should wait. */
  dueAt: number | undefined;
}

/**
 * For each ticket's timers, whether each job already matches (true) or needs the per-job path
 * (false). Per ticket: the wanted job's data and place in the delayed set, and one EXISTS for
 * the jobs not wanted (any of them there sends them all down the per-job path).
 */
export async function jobsMatching(
  queue: Queue,
  tickets: readonly (readonly WantedTimer[])[],
  toleranceMs: number,
): Promise<boolean[][]> {
  if (tickets.length === 0) return [];
  const client = await queue.getBackend().client;
  const pipeline = client.pipeline();
  for (const timers of tickets) {
    const absent = timers.filter((t) => t.dueAt === undefined).map((t) => queue.toKey(t.jobId));
    if (absent.length > 0) pipeline.runCommand("exists", absent);
    for (const { jobId, dueAt } of timers)
      if (dueAt !== undefined)
        pipeline.runCommand("hget", [queue.toKey(jobId), "data"]).runCommand("zscore", [queue.keys.delayed!, jobId]);
  }
  const replies = (await pipeline.exec()) ?? [];
  let at = 0;
  const reply = () => {
    const [error, value] = replies[at++] ?? [new Error("no reply"), null];
    return error ? undefined : value;
  };
  return tickets.map((timers) => {
    const noneThere = timers.some((t) => t.dueAt === undefined) ? reply() === 0 : true;
    return timers.map(({ dueAt }) => {
      if (dueAt === undefined) return noneThere;
      const data = reply();
      const delayed = reply();
      if (typeof data !== "string" || delayed === null || delayed === undefined) return false;
      const stored = (JSON.parse(data) as { dueAt?: unknown }).dueAt;
      return typeof stored === "number" && Math.abs(stored - dueAt) <= toleranceMs;
    });
  });
}
