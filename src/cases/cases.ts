// Case management, wired together: the rules in intents/, the working-day calendar,
// the deadline clock, routing, the lifecycle service and what transitions cause.
// The hub creates one; the web server, the workers and the CLI tools use it.
import type { Queue } from "bullmq";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import type { Config } from "../config.ts";
import type { PrismaClient } from "../db/database.ts";
import { DeadlineClock } from "../deadlines/deadline-clock.ts";
import { DeadlinePolicy } from "../deadlines/deadline-policy.ts";
import { DeadlineTimers } from "./deadline-timers.ts";
import { WorkingCalendar } from "../calendar/working-calendar.ts";
import type { Logger } from "../logger.ts";
import { QueueNames, type QueueName } from "../queue/queue-names.ts";
import type { CaseRules } from "../knowledge/case-rules-schema.ts";
import { RuleRouter } from "../routing/rule-router.ts";
import { StaffSessions } from "../staff/sessions.ts";
import { TicketAssigner } from "./assign-ticket.ts";
import { DepartmentRouter } from "../routing/department-router.ts";
import { TicketActions } from "./ticket-actions.ts";
import { CaseEffects } from "./case-effects.ts";
import { DuplicateFinder } from "./duplicate-finder.ts";

export interface CasesDeps {
  config: Config;
  /** From loadCaseRules(), read before the database is opened so a bad file stops the start early. */
  rules: CaseRules;
  catalog: Catalog;
  prisma: PrismaClient;
  queues: ReadonlyMap<QueueName, Queue>;
  log: Logger;
  /** Called after a commit that wrote queue work (notices), so the relay runs at once. */
  onOutboxWritten(): void;
}

export interface Cases {
  rules: CaseRules;
  calendar: WorkingCalendar;
  clock: DeadlineClock;
  policy: DeadlinePolicy;
  router: RuleRouter;
  effects: CaseEffects;
  actions: TicketActions;
  timers: DeadlineTimers;
  /** Staff logins for the department API. */
  sessions: StaffSessions;
  departmentCodes: ReadonlySet<string>;
  departmentName(code: string | null): string;
  /** The routing queue's job: assign (or merge) one submitted ticket. */
  route(ticketId: string): Promise<unknown>;
}

export function createCases(deps: CasesDeps): Cases {
  const { config, catalog, prisma, log, rules } = deps;
  const calendar = WorkingCalendar.load(config.timeZone, rules.calendar);
  warnAboutUnannouncedYears(calendar, log);
  const clock = new DeadlineClock(calendar);
  const policy = new DeadlinePolicy(rules.categories, rules.defaultDeadline, rules.transferMinimumShare);
  const router = new RuleRouter(
    rules.rules,
    rules.categories,
    rules.districts,
    new DepartmentRouter(catalog.departments, catalog.dispatcher),
    catalog.dispatcher,
  );
  const names = new Map(catalog.departments.map((d) => [d.code, d.name]));
  const departmentName = (code: string | null) => (code && names.get(code)) || "相关部门";
  // Effects need the timers and the timers need the actions: the timers are bound late.
  let timers: DeadlineTimers | undefined;
  const effects = new CaseEffects({
    departmentName,
    hotline: config.hotline,
    timeZone: config.timeZone,
    onOutboxWritten: deps.onOutboxWritten,
    log,
    timers: { syncRows: (rows) => timers!.syncRows(rows), addFirst: (rows) => timers!.addFirst(rows) },
  });
  const actions = new TicketActions({
    prisma,
    lifecycle: {
      dispatcher: catalog.dispatcher,
      departments: new Set(names.keys()),
      reopenWindowDays: config.cases.reopenDays,
      lowRating: config.cases.lowRating,
    },
    clock,
    clockRules: (category) => policy.rulesFor(category),
    effects,
  });
  timers = new DeadlineTimers({
    queue: deps.queues.get(QueueNames.deadlines)!,
    prisma,
    clock,
    actions,
    autoCloseDays: config.cases.autoCloseDays,
    log,
  });
  const duplicates = new DuplicateFinder(prisma, {
    windowHours: config.cases.duplicateWindowHours,
    threshold: config.cases.duplicateSimilarity,
    districts: rules.districts,
  });
  const assigner = new TicketAssigner({ prisma, actions, router, duplicates, timers });
  return {
    rules,
    calendar,
    clock,
    policy,
    router,
    effects,
    actions,
    timers,
    sessions: new StaffSessions(prisma, config.staffSessionHours),
    departmentCodes: new Set(names.keys()),
    departmentName,
    route: (ticketId) => assigner.route(ticketId),
  };
}

/** Deadlines this year and next are only as good as the holiday data behind them. */
function warnAboutUnannouncedYears(calendar: WorkingCalendar, log: Logger): void {
  const year = Number(new Date().toISOString().slice(0, 4));
  for (const y of [year, year + 1]) {
    if (calendar.sourceOf(y) === "statutory") {
      log.warn(
        { year: y },
        "no announced holiday schedule (调休) for this year: deadlines count only statutory holidays and weekends; " +
          "add the State Council's notice to intents/calendar.yaml or update the chinese-days package",
      );
    }
  }
}
