// Case management, wired together: the rules in intents/, the working-day calendar,
// the deadline clock, routing, the lifecycle service and what transitions cause.
// The hub creates one; the web server, the workers and the CLI tools use it.
// What comes from intents/ is read from the current knowledge snapshot on every use,
// so a catalog reload changes routing, departments and deadlines at once.
import type { Queue } from "bullmq";
import type { Config } from "../config.ts";
import type { PrismaClient } from "../db/database.ts";
import { DeadlineClock } from "../deadlines/deadline-clock.ts";
import { DeadlinePolicy } from "../deadlines/deadline-policy.ts";
import { DeadlineTimers } from "./deadline-timers.ts";
import type { WorkingCalendar } from "../calendar/working-calendar.ts";
import type { Logger } from "../logger.ts";
import { QueueNames, type QueueName } from "../queue/queue-names.ts";
import type { CaseRules } from "../knowledge/case-rules-schema.ts";
import type { Departments, Knowledge } from "../knowledge/knowledge.ts";
import { RuleRouter } from "../routing/rule-router.ts";
import { StaffSessions } from "../staff/sessions.ts";
import { TicketAssigner } from "./assign-ticket.ts";
import { DepartmentRouter } from "../routing/department-router.ts";
import { TicketActions } from "./ticket-actions.ts";
import { CaseEffects } from "./case-effects.ts";
import { DuplicateFinder } from "./duplicate-finder.ts";

export interface CasesDeps {
  config: Config;
  /** The knowledge snapshot serving now (KnowledgeStore.current). */
  knowledge: () => Knowledge;
  prisma: PrismaClient;
  queues: ReadonlyMap<QueueName, Queue>;
  log: Logger;
  /** Called after a commit that wrote queue work (notices), so the relay runs at once. */
  onOutboxWritten(): void;
}

/** What case management builds from one knowledge snapshot; rebuilt when the snapshot changes. */
export interface CaseKnowledge {
  version: number;
  rules: CaseRules;
  departments: Departments;
  calendar: WorkingCalendar;
  clock: DeadlineClock;
  policy: DeadlinePolicy;
  router: RuleRouter;
}

export interface Cases {
  /** The routing rules, departments, calendar and deadlines in force now. Read it per use; don't keep it. */
  knowledge(): CaseKnowledge;
  effects: CaseEffects;
  actions: TicketActions;
  timers: DeadlineTimers;
  /** Staff logins for the department API. */
  sessions: StaffSessions;
  /** Finds the open case a ticket repeats (并案): routing, and the dispatch centre's suggestions. */
  duplicates: DuplicateFinder;
  departmentName(code: string | null): string;
  /** The routing queue's job: assign (or merge) one submitted ticket. */
  route(ticketId: string): Promise<unknown>;
  /** When routing a ticket failed every attempt: the dispatch centre gets it, with this note. */
  routeToDispatchCentre(ticketId: string, note: string): Promise<unknown>;
}

export function createCases(deps: CasesDeps): Cases {
  const { config, prisma, log } = deps;
  let built: { from: Knowledge; cases: CaseKnowledge } | undefined;
  const current = (): CaseKnowledge => {
    const knowledge = deps.knowledge();
    if (built?.from !== knowledge) built = { from: knowledge, cases: caseKnowledgeOf(knowledge, config, log) };
    return built.cases;
  };
  current();
  const departmentName = (code: string | null) => (code && current().departments.nameOf(code)) || "相关部门";
  // The services below read what comes from intents/ through these getters, on every
  // action, timer plan and routing batch (none keeps it): a reload applies from the next one.
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
      get dispatcher() {
        return current().departments.dispatcher;
      },
      get departments() {
        return current().departments.codes;
      },
      reopenWindowDays: config.cases.reopenDays,
      lowRating: config.cases.lowRating,
    },
    get clock() {
      return current().clock;
    },
    clockRules: (category, kind) => current().policy.rulesFor(category, kind),
    effects,
  });
  timers = new DeadlineTimers({
    queue: deps.queues.get(QueueNames.deadlines)!,
    prisma,
    get clock() {
      return current().clock;
    },
    actions,
    autoCloseDays: config.cases.autoCloseDays,
    log,
  });
  const duplicates = new DuplicateFinder(prisma, {
    windowHours: config.cases.duplicateWindowHours,
    threshold: config.cases.duplicateSimilarity,
    get districts() {
      return current().rules.districts;
    },
  });
  const assigner = new TicketAssigner({
    prisma,
    actions,
    get router() {
      return current().router;
    },
    duplicates,
    timers,
  });
  return {
    knowledge: current,
    effects,
    actions,
    timers,
    sessions: new StaffSessions(prisma, config.staffSessionHours),
    duplicates,
    departmentName,
    route: (ticketId) => assigner.route(ticketId),
    routeToDispatchCentre: (ticketId, note) => assigner.toDispatchCentre(ticketId, note),
  };
}

function caseKnowledgeOf(knowledge: Knowledge, config: Config, log: Logger): CaseKnowledge {
  const { caseRules: rules, departments, calendar } = knowledge;
  warnAboutUnannouncedYears(calendar, log);
  return {
    version: knowledge.version,
    rules,
    departments,
    calendar,
    clock: new DeadlineClock(calendar),
    policy: new DeadlinePolicy(rules.categories, rules.defaultDeadline, rules.transferMinimumShare, {
      workingDays: config.cases.suggestionDeadlineWorkdays,
    }),
    router: new RuleRouter(
      rules.rules,
      rules.categories,
      rules.districts,
      new DepartmentRouter(
        knowledge.catalog.departments.filter((d) => !d.disabled),
        departments.dispatcher,
      ),
      departments.dispatcher,
    ),
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
