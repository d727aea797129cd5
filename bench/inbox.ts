// The workbench inbox (issue 12) at 100,000 tickets: seeds a fresh PostgreSQL database
// in one INSERT … SELECT over generate_series (a realistic mix of states, departments,
// deadlines and texts), then times GET /api/staff/inbox through app.inject (server time,
// no network) for each tab, a text search and a phone search, as an admin (every
// department) and as a department's staff. Beside it, in the same process: GET /healthz
// and a `SELECT 1` round trip, the floor any request pays.
// Run alone: `npx tsx bench/inbox.ts` (about a minute); `npm run bench` runs it last.
import { pathToFileURL } from "node:url";
import { INBOX_TABS } from "../src/cases/inbox-tabs.ts";
import { createStaffAccount } from "../src/staff/accounts.ts";
import { printTimings, type Timing, timeRuns } from "./request-timing.ts";
import { withPostgresBenchHub } from "./bench-hub.ts";

const TICKETS = Number(process.env.BENCH_INBOX_TICKETS ?? 100_000);
const RUNS = Number(process.env.BENCH_INBOX_RUNS ?? 30);
const WARM_UP = 5;
const TARGET_MS = 300;
const PASSWORD = "bench password 2026";

/** Seeds the tickets in one statement: states by weight, open tickets recent, finished ones older. */
async function seed(prisma: import("../src/db/database.ts").PrismaClient, departments: string[]): Promise<void> {
  await prisma.conversation.create({ data: { id: "bench", channel: "webchat", channelUserId: "bench" } });
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Ticket" ("id", "number", "status", "kind", "text", "departmentCode", "channel", "channelUserId",
       "conversationId", "sourceMessageId", "createdAt", "updatedAt", "assignedAt", "category", "district",
       "deadlineAt", "dueBasis", "dueBudgetSeconds", "dueRunningSince", "overdue", "version")
     SELECT 'bench-' || i, 'GD2026' || lpad((1 + i % 12)::text, 2, '0') || '01-' || lpad(i::text, 6, '0'), s.status,
       'complaint',
       (ARRAY['东湖区','西山区','南湖区','北城区'])[1 + i % 4] || '第' || i || '号路' ||
         (ARRAY['路灯坏了好几天没人修','垃圾堆了三天没人清运','井盖丢了很危险','晚上广场舞噪音扰民','有人占道经营摆摊','小区暖气不热'])[1 + i % 6] ||
         CASE WHEN i % 10 = 0 THEN '，联系电话138' || lpad((i % 100000000)::text, 8, '0') ELSE '' END,
       $1::text[] ... ,
       'webchat', 'bench', 'bench', 'bench-msg-' || i, c.at, c.at, c.at, NULL, NULL,
       CASE WHEN s.status IN ('submitted','merged','rejected') THEN NULL ELSE c.at + interval '3 days' END,
       'workdays', 259200,
       CASE WHEN s.status IN ('assigned','accepted','in_progress','returned') THEN c.at END,
       s.status IN ('assigned','accepted','in_progress','returned','suspended') AND c.at + interval '3 days' < now(),
       0
     FROM generate_series(1, ${TICKETS}) AS i
     CROSS JOIN LATERAL (SELECT CASE
         WHEN i % 100 < 40 THEN 'closed' WHEN i % 100 < 50 THEN 'resolved' WHEN i % 100 < 60 THEN 'assigned'
         WHEN i % 100 < 72 THEN 'accepted' WHEN i % 100 < 82 THEN 'in_progress' WHEN i % 100 < 85 THEN 'suspended'
         WHEN i % 100 < 88 THEN 'returned' WHEN i % 100 < 90 THEN 'review' WHEN i % 100 < 93 THEN 'rejected'
         WHEN i % 100 < 96 THEN 'merged' ELSE 'submitted' END AS status) s
     CROSS JOIN LATERAL (SELECT now() - CASE
         WHEN s.status IN ('closed','resolved','rejected','merged','review') THEN (i % 180) * interval '1 day'
         ELSE (i % 240) * interval '1 hour' END - (i % 3600) * interval '1 second' AS at) c`.replace(
      "$1::text[] ...",
      `(ARRAY[${departments.map((d) => `'${d}'`).join(",")}])[1 + (i / 7) % ${departments.length}]`,
    ),
  );
  await prisma.$executeRawUnsafe(`ANALYZE "Ticket"`);
}

/** One route's timing: RUNS timed runs after WARM_UP. */
const time = (run: () => Promise<unknown>) => timeRuns(run, RUNS, WARM_UP);

export async function runInboxBench(): Promise<void> {
  await withPostgresBenchHub({ what: "the inbox", prefix: "bench_inbox" }, async (hub, app) => {
    const prisma = hub.db.prisma;
    const departments = [...hub.cases.knowledge().departments.codes].sort();
    const seedStart = Date.now();
    await seed(prisma, departments);
    console.log(`Workbench inbox: ${TICKETS.toLocaleString("en")} tickets seeded in ${Date.now() - seedStart} ms.`);
    const staffDepartment = "CG";
    const tokens: Record<string, string> = {};
    for (const a of [
      { username: "bench.admin", role: "admin", displayName: "管理员" },
      { username: "bench.cg", role: "staff", departmentCode: staffDepartment, displayName: "城管" },
    ]) {
      await createStaffAccount(prisma, { ...a, password: PASSWORD }, hub.cases.knowledge().departments.codes);
      const res = await app.inject({
        method: "POST",
        url: "/api/staff/login",
        payload: { username: a.username, password: PASSWORD },
      });
      tokens[a.username] = res.json().token;
    }
    const inbox = (who: string, query: string) => async () => {
      const res = await app.inject({
        method: "GET",
        url: `/api/staff/inbox?${query}`,
        headers: { authorization: `Bearer ${tokens[who]}` },
      });
      if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
      return res;
    };
    const rows: [string, Timing][] = [];
    rows.push(["baseline: GET /healthz", await time(() => app.inject({ method: "GET", url: "/healthz" }))]);
    rows.push(["baseline: SELECT 1", await time(() => prisma.$queryRawUnsafe("SELECT 1"))]);
    for (const tab of INBOX_TABS) rows.push([`admin, tab=${tab}`, await time(inbox("bench.admin", `tab=${tab}`))]);
    for (const tab of ["pending", "in_progress", "due_soon", "overdue"])
      rows.push([`${staffDepartment} staff, tab=${tab}`, await time(inbox("bench.cg", `tab=${tab}`))]);
    rows.push([
      "admin, text search q=井盖",
      await time(inbox("bench.admin", `tab=in_progress&q=${encodeURIComponent("井盖")}`)),
    ]);
    rows.push(["admin, by number", await time(inbox("bench.admin", "tab=done&q=GD20260101-000120"))]);
    rows.push([
      `${staffDepartment} staff, phone=13800001230`,
      await time(inbox("bench.cg", "tab=pending&phone=13800001230")),
    ]);
    printTimings(rows, { runs: RUNS, warmUp: WARM_UP, what: "inbox", targetMs: TARGET_MS });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runInboxBench();
}
