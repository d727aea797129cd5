// What the soak's backlog does to its requests (issue 16): a complaint's intake and
// routing (with its 并案 search), a staff member's list of assigned tickets and an accept,
// timed on a near-empty database and again after seeding as many open tickets as the 30-minute
// soak left (about 40,000 complaints, most still assigned, in the departments its
// complaints go to), in the same process. Requests go through app.inject (server time, no
// network); routing, which the worker does, is called directly, one ticket at a time.
// Run alone: `npx tsx bench/open-tickets.ts` (about a minute; BENCH_OPEN_TICKETS, BENCH_OPEN_RUNS).
import os from "node:os";
import { pathToFileURL } from "node:url";
import type { FastifyInstance } from "fastify";
import type { PrismaClient } from "../src/db/database.ts";
import type { Hub } from "../src/hub.ts";
import { createStaffAccount } from "../src/staff/accounts.ts";
import { complaintBodies, processCpuMs } from "./intake.ts";
import { type Timing, timeRuns } from "./request-timing.ts";
import { withPostgresBenchHub } from "./bench-hub.ts";

const TICKETS = Number(process.env.BENCH_OPEN_TICKETS ?? 40_000);
/** The near-empty start: enough assigned tickets for the accepts to take. */
const FEW = 200;
const RUNS = Number(process.env.BENCH_OPEN_RUNS ?? 30);
const WARM_UP = 5;
const PASSWORD = "bench password 2026";
/** The department most of the soak's complaints went to (street lights, garbage, manholes, stalls). */
const STAFF_DEPARTMENT = "CG";

/**
 * The soak's backlog in one statement: complaints as bench/intake.ts words them (a road of
 * their own each), routed as the hub routes them, filed over the last 30 minutes; three in
 * four still assigned, the rest accepted.
 */
export async function seedOpenTickets(prisma: PrismaClient, from: number, to: number): Promise<void> {
  await prisma.conversation.upsert({
    where: { channel_channelUserId: { channel: "webchat", channelUserId: "bench-backlog" } },
    create: { id: "bench-backlog", channel: "webchat", channelUserId: "bench-backlog" },
    update: {},
  });
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Ticket" ("id", "number", "status", "kind", "text", "domain", "departmentCode", "channel", "channelUserId",
      "conversationId", "sourceMessageId", "createdAt", "updatedAt", "assignedAt", "acceptedAt", "category", "district",
      "places", "deadlineAt", "dueBasis", "dueBudgetSeconds", "dueRunningSince", "version")
    SELECT 'backlog-' || i, 'GD20261101-' || lpad(i::text, 6, '0'), s.status, 'complaint',
      '投诉：' || d.district || r.road || p.text, p.domain, p.department, 'webchat', 'bench-backlog', 'bench-backlog',
      'backlog-msg-' || i, c.at, c.at, c.at, CASE WHEN s.status = 'accepted' THEN c.at END, p.category, d.district,
      ARRAY[r.road || p.place], c.at + interval '3 days', 'workdays', 259200, c.at, 1
    FROM generate_series(${from}, ${to}) AS i
    CROSS JOIN LATERAL (SELECT CASE WHEN i % 4 = 0 THEN 'accepted' ELSE 'assigned' END AS status) s
    CROSS JOIN LATERAL (SELECT now() - (i % 1800) * interval '1 second' AS at) c
    CROSS JOIN LATERAL (SELECT (ARRAY['东湖区','西山区','南湖区','北城区'])[1 + i % 4] AS district) d
    CROSS JOIN LATERAL (SELECT chr(19968 + ((i::bigint * 7919) % 20900)::int) || chr(19968 + ((i::bigint * 104729 + 13) % 20900)::int) || '路' AS road) r
    CROSS JOIN LATERAL (SELECT * FROM (VALUES
      (0, '路灯坏了好几天没人修', 'street-light', 'CG', '城建', ''),
      (1, '垃圾堆了三天没人清运', 'garbage', 'CG', '环保', ''),
      (2, '井盖丢了很危险', 'manhole', 'CG', '交通', ''),
      (3, '晚上广场舞噪音扰民', 'neighbourhood-noise', 'GA', '文娱', ''),
      (4, '有人占道经营摆摊', NULL, 'CG', '交通', ''),
      (5, '小区暖气不热', 'heating', 'ZJ', '城建', '小区')
    ) AS v(k, text, category, department, domain, place) WHERE v.k = i % 6) p`);
  // As autovacuum would have by then; without it the planner knows nothing of the new rows.
  await prisma.$executeRawUnsafe(`ANALYZE "Ticket"`);
}

interface Clients {
  complaint(): Promise<void>;
  list(): Promise<void>;
  accept(): Promise<void>;
}

async function clientsFor(hub: Hub, app: FastifyInstance): Promise<Clients> {
  const prisma = hub.db.prisma;
  const username = `bench.${STAFF_DEPARTMENT.toLowerCase()}`;
  await createStaffAccount(
    prisma,
    { username, password: PASSWORD, role: "staff", departmentCode: STAFF_DEPARTMENT, displayName: "城管" },
    hub.cases.knowledge().departments.codes,
  );
  const login = await app.inject({
    method: "POST",
    url: "/api/staff/login",
    payload: { username, password: PASSWORD },
  });
  const headers = { authorization: `Bearer ${login.json().token}` };
  const bodies = complaintBodies(10_000, 3_000_000);
  let next = 0;
  const listAssigned = async () => {
    const res = await app.inject({ method: "GET", url: "/api/staff/tickets?status=assigned&limit=1", headers });
    if (res.statusCode !== 200) throw new Error(`list: ${res.statusCode} ${res.body}`);
    return res.json() as { tickets: { number: string }[] };
  };
  return {
    // The web process's part (the ticket, its event and its routing job), then the worker's.
    async complaint() {
      const res = await app.inject({
        method: "POST",
        url: "/api/chat/messages",
        headers: { "content-type": "application/json" },
        payload: bodies[next++ % bodies.length]!,
      });
      if (res.statusCode !== 200) throw new Error(`complaint: ${res.statusCode} ${res.body}`);
      const ticket = await prisma.ticket.findFirstOrThrow({ where: { status: "submitted" }, select: { id: true } });
      await hub.cases.route(ticket.id);
    },
    async list() {
      await listAssigned();
    },
    // As the soak's staff do: the first ticket of the list, accepted.
    async accept() {
      const { tickets } = await listAssigned();
      if (!tickets[0]) throw new Error("nothing to accept");
      const res = await app.inject({
        method: "POST",
        url: `/api/staff/tickets/${tickets[0].number}/actions`,
        headers,
        payload: { action: "accept" },
      });
      if (res.statusCode !== 200) throw new Error(`accept: ${res.statusCode} ${res.body}`);
    },
  };
}

const KINDS = ["complaint", "list", "accept"] as const;
const LABELS: Record<(typeof KINDS)[number], string> = {
  complaint: "complaint: intake + routing (并案 search)",
  list: `${STAFF_DEPARTMENT} staff: list assigned, limit 1`,
  accept: `${STAFF_DEPARTMENT} staff: list + accept`,
};

/** Wall time, and the CPU a request costs this process and the database's backends: steadier on a busy machine. */
interface Measured {
  timing: Timing;
  cpuMs: { node: number; postgres: number };
}

/** CPU ms used so far by the PostgreSQL backends serving this database (Linux /proc), by pid. */
async function backendCpu(prisma: PrismaClient): Promise<Map<number, number>> {
  const rows = await prisma.$queryRawUnsafe<{ pid: number }[]>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) cpu.set(pid, ms);
  }
  return cpu;
}

async function timeAll(prisma: PrismaClient, clients: Clients): Promise<Record<(typeof KINDS)[number], Measured>> {
  const measured = {} as Record<(typeof KINDS)[number], Measured>;
  // The complaints first: the accepts then have fresh assigned tickets to take.
  for (const kind of KINDS) {
    const run = () => clients[kind]();
    for (let i = 0; i < WARM_UP; i++) await run();
    const node = process.cpuUsage();
    const before = await backendCpu(prisma);
    const timing = await timeRuns(run, RUNS, 0);
    const after = await backendCpu(prisma);
    const used = process.cpuUsage(node);
    let postgres = 0;
    for (const [pid, ms] of after) postgres += ms - (before.get(pid) ?? 0);
    measured[kind] = { timing, cpuMs: { node: (used.user + used.system) / 1000 / RUNS, postgres: postgres / RUNS } };
  }
  return measured;
}

export async function runOpenTicketsBench(): Promise<void> {
  await withPostgresBenchHub(
    { what: "the open-ticket backlog", prefix: "bench_open", obliterateQueues: true },
    async (hub, app) => {
      const clients = await clientsFor(hub, app);
      await seedOpenTickets(hub.db.prisma, 1, FEW);
      const empty = await timeAll(hub.db.prisma, clients);
      const seedStart = Date.now();
      await seedOpenTickets(hub.db.prisma, FEW + 1, TICKETS);
      console.log(
        `Open-ticket backlog: ${TICKETS.toLocaleString("en")} open complaints seeded in ${Date.now() - seedStart} ms ` +
          `(load average ${os.loadavg()[0]!.toFixed(1)}).`,
      );
      const full = await timeAll(hub.db.prisma, clients);
      console.log(
        `Per request, ${RUNS} runs after ${WARM_UP} warm-up: server time median / p95, and CPU ms of this process + ` +
          `PostgreSQL (Linux /proc, 10 ms ticks summed over the runs):\n`,
      );
      const width = Math.max(...Object.values(LABELS).map((l) => l.length));
      const cell = ({ timing, cpuMs }: Measured) =>
        `${timing.median.toFixed(1)} / ${timing.p95.toFixed(1)} ms, CPU ${cpuMs.node.toFixed(1)} + ${cpuMs.postgres.toFixed(1)}`.padStart(
          36,
        );
      console.log(
        `${"".padEnd(width)}  ${`${FEW} open`.padStart(36)}  ${`${Math.round(TICKETS / 1000)}k open`.padStart(36)}`,
      );
      for (const kind of KINDS) console.log(`${LABELS[kind].padEnd(width)}  ${cell(empty[kind])}  ${cell(full[kind])}`);
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runOpenTicketsBench();
}
