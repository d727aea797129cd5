// What the deadline timers' rebuild (every CASE_TIMER_RECONCILE_MS, 5 min) costs with the
// soak's backlog (issue 16): 42,000 open complaints seeded as bench/open-tickets.ts seeds
// them, each with its next timer as a delayed job, then the rebuild as it was (every ticket's
// four jobs looked up one at a time) and as it is (a page's jobs checked in one pipeline), in
// the same process; then 100 jobs are deleted and the rebuild must put them back. Figures:
// wall time, this process's CPU, Redis commands (INFO stats) and round trips (awaited calls).
// Run alone: `npx tsx bench/timer-rebuild.ts` (about a minute; BENCH_TIMER_TICKETS).
import { pathToFileURL } from "node:url";
import type { Hub } from "../src/hub.ts";
import { QueueNames } from "../src/queue/queue-names.ts";
import { seedOpenTickets } from "./open-tickets.ts";
import { withPostgresBenchHub } from "./bench-hub.ts";

const TICKETS = Number(process.env.BENCH_TIMER_TICKETS ?? 42_000);
const LOST = 100;

interface Figures {
  ms: number;
  cpuMs: number;
  commands: number;
  roundTrips: number;
}

/** The rebuild before issue 16's fix: pages of 500 tickets, each ticket's jobs synced one by one. */
async function rebuildOneByOne(hub: Hub): Promise<void> {
  let after = "";
  for (;;) {
    const tickets = await hub.db.prisma.ticket.findMany({
      where: { status: { in: ["assigned", "accepted", "in_progress", "returned", "resolved"] }, id: { gt: after } },
      orderBy: { id: "asc" },
      take: 500,
    });
    if (tickets.length === 0) return;
    for (let i = 0; i < tickets.length; i += 50) await hub.cases.timers.syncRows(tickets.slice(i, i + 50));
    after = tickets.at(-1)!.id;
  }
}

async function measure(hub: Hub, run: () => Promise<unknown>): Promise<Figures> {
  const client = await hub.queues.get(QueueNames.deadlines)!.getBackend().client;
  const info = client as unknown as { info(section: string): Promise<string> };
  const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await info.info("stats"))?.[1] ?? 0);
  // Round trips: every command sent on its own (a pipeline's carry its stream), and every pipeline.
  let roundTrips = 0;
  const raw = client as unknown as {
    sendCommand: (...a: unknown[]) => unknown;
    pipeline: (...a: unknown[]) => unknown;
  };
  const [sendCommand, pipeline] = [raw.sendCommand, raw.pipeline];
  const before = await commands();
  raw.sendCommand = (...a) => {
    if (a[1] === undefined) roundTrips++;
    return sendCommand.apply(client, a);
  };
  raw.pipeline = (...a) => {
    roundTrips++;
    return pipeline.apply(client, a);
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await run();
  } finally {
    raw.sendCommand = sendCommand;
    raw.pipeline = pipeline;
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, commands: (await commands()) - before - 1, roundTrips };
}

export async function runTimerRebuildBench(): Promise<void> {
  await withPostgresBenchHub(
    { what: "the timer rebuild", prefix: "bench_timers", obliterateQueues: true },
    async (hub) => {
      const queue = hub.queues.get(QueueNames.deadlines)!;
      await seedOpenTickets(hub.db.prisma, 1, TICKETS);
      const tickets = await hub.db.prisma.ticket.findMany();
      for (let i = 0; i < tickets.length; i += 1_000) await hub.cases.timers.addFirst(tickets.slice(i, i + 1_000));
      const row = (name: string, f: Figures) =>
        console.log(
          `| ${name} | ${(f.ms / 1000).toFixed(1)} s | ${(f.cpuMs / 1000).toFixed(1)} s | ${f.commands.toLocaleString("en")} | ${f.roundTrips.toLocaleString("en")} |`,
        );
      console.log(`${tickets.length.toLocaleString("en")} open tickets, each with a delayed timer job.\n`);
      console.log(
        "| rebuild | wall | CPU (this process) | Redis commands | Redis round trips |\n|---|---|---|---|---|",
      );
      row("one job at a time (before)", await measure(hub, () => rebuildOneByOne(hub)));
      row("a page per pipeline (after)", await measure(hub, () => hub.cases.timers.rebuild()));
      // What no rebuild avoids: reading the rows and planning each ticket's timers.
      row(
        "of which: reading and planning",
        await measure(hub, async () => {
          const rows = await hub.db.prisma.ticket.findMany();
          for (const ticket of rows) hub.cases.timers.plan(ticket);
        }),
      );
      const lost = tickets.slice(0, LOST);
      for (const ticket of lost) await (await queue.getJob(`${ticket.id}-remind50`))?.remove();
      row(`after, ${LOST} jobs lost`, await measure(hub, () => hub.cases.timers.rebuild()));
      const back = await Promise.all(lost.map((t) => queue.getJob(`${t.id}-remind50`)));
      console.log(`\n${back.filter((job) => job !== undefined).length} of ${LOST} lost jobs put back.`);
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runTimerRebuildBench();
}
