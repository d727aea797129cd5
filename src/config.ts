// The one place the environment is read. Everything else receives a typed Config.
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/** A yes/no setting (shared with the connectors' config sections). */
export const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

/** An empty variable counts as unset. */
export const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

/** A limit as "count/window": "20/1m", "5/15m", "100/30s", "1000/1h". */
export interface RateLimitSetting {
  max: number;
  windowMs: number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

function limitSetting(fallback: string) {
  return z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(fallback)
      .transform((value, ctx): RateLimitSetting => {
        const match = /^\s*(\d+)\s*\/\s*(\d*)\s*([smh])\s*$/.exec(value);
        const max = Number(match?.[1]);
        const windowMs = Number(match?.[2] || 1) * UNIT_MS[(match?.[3] ?? "s") as keyof typeof UNIT_MS];
        if (!match || max < 1 || windowMs < 1) {
          ctx.addIssue({ code: "custom", message: 'must be "count/window", e.g. "20/1m", "5/15m" or "100/30s"' });
          return z.NEVER;
        }
        return { max, windowMs };
      }),
  );
}

/** The opinion alert levels, "关注:8,预警:12,严重:20": each level's least robust score, ascending (src/opinion/alert-settings.ts). */
const OPINION_LEVEL_NAMES = ["关注", "预警", "严重"] as const;
export type OpinionAlertLevelSetting = { level: (typeof OPINION_LEVEL_NAMES)[number]; score: number };
const opinionAlertLevels = z.string().transform((value, ctx): OpinionAlertLevelSetting[] => {
  const levels = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [level = "", score = ""] = entry.split(/[:：]/).map((part) => part.trim());
      return { level, score: Number(score) };
    });
  const ok =
    levels.length > 0 &&
    levels.every(
      (l, i) =>
        (OPINION_LEVEL_NAMES as readonly string[]).includes(l.level) &&
        Number.isFinite(l.score) &&
        l.score > 2 &&
        (i === 0 || l.score > levels[i - 1]!.score),
    ) &&
    new Set(levels.map((l) => l.level)).size === levels.length;
  if (!ok) {
    ctx.addIssue({
      code: "custom",
      message: 'must be levels 关注, 预警, 严重 with ascending scores above 2, e.g. "关注:8,预警:12,严重:20"',
    });
    return z.NEVER;
  }
  return levels as OpinionAlertLevelSetting[];
});

/** Fastify's trustProxy: true/false, or the proxies' addresses and CIDRs (Fastify 5 trusts no bare hop count). */
const trustProxy = z.string().transform((value, ctx): boolean | string[] => {
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "yes") return true;
  if (["false", "no"].includes(v)) return false;
  const list = v
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (list.length > 0 && list.every(isProxyAddress)) return list;
  ctx.addIssue({ code: "custom", message: "must be true, false, or the proxies' comma-separated addresses/CIDRs" });
  return z.NEVER;
});

function isProxyAddress(entry: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
  const [address = "", bits, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/** CSP frame-ancestors sources: 'self', 'none', or origins such as https://www.example.gov.cn or https://*.example.gov.cn. */
const frameAncestors = z.string().transform((value, ctx): string[] => {
  const sources = value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => (s === "self" || s === "none" ? `'${s}'` : s));
  const ok = sources.every(
    (s) => s === "'self'" || s === "'none'" || /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?$/i.test(s),
  );
  if (sources.length === 0 || !ok || (sources.includes("'none'") && sources.length > 1)) {
    ctx.addIssue({ code: "custom", message: "must be 'self', 'none', or origins like https://www.example.gov.cn" });
    return z.NEVER;
  }
  return sources;
});

/** The fields of the duty officers' WeChat template message (src/opinion/duty-officer-notice.ts). */
export const ALERT_TEMPLATE_FIELDS = ["title", "level", "topic", "place", "count", "firstSeen", "remark"] as const;
export type AlertTemplateField = (typeof ALERT_TEMPLATE_FIELDS)[number];
/** Each field's template data key; undefined: not sent. */
export type AlertTemplateKeys = Record<AlertTemplateField, string | undefined>;
/** The classic template layout: {{first.DATA}}, {{keyword1.DATA}} … {{keyword5.DATA}}, {{remark.DATA}}. */
const DEFAULT_ALERT_TEMPLATE_KEYS: AlertTemplateKeys = {
  title: "first",
  level: "keyword1",
  topic: "keyword2",
  place: "keyword3",
  count: "keyword4",
  firstSeen: "keyword5",
  remark: "remark",
};
const TEMPLATE_KEY = /^[A-Za-z0-9_]{1,32}$/;
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** "level=phrase1,topic=thing2,title=" over the defaults; an empty key leaves the field out. */
const alertTemplateKeys = z.string().transform((value, ctx): AlertTemplateKeys => {
  const keys = { ...DEFAULT_ALERT_TEMPLATE_KEYS };
  for (const part of value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [field, key = "", ...rest] = part.split("=").map((p) => p.trim());
    if (
      rest.length > 0 ||
      !(ALERT_TEMPLATE_FIELDS as readonly string[]).includes(field!) ||
      (key !== "" && !TEMPLATE_KEY.test(key))
    ) {
      ctx.addIssue({
        code: "custom",
        message: `"${part}": must be field=key, the field one of ${ALERT_TEMPLATE_FIELDS.join(", ")}, the key letters, digits or _`,
      });
      return z.NEVER;
    }
    keys[field as AlertTemplateField] = key || undefined;
  }
  const used = Object.values(keys).filter((key) => key !== undefined);
  if (new Set(used).size !== used.length) {
    ctx.addIssue({ code: "custom", message: "gives two fields the same key" });
    return z.NEVER;
  }
  return keys;
});

const openidList = z.string().transform((value, ctx): string[] => {
  const openids = [
    ...new Set(
      value
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  ];
  // An openid is never echoed: it identifies a person.
  if (openids.length === 0 || openids.some((o) => !OPENID.test(o))) {
    ctx.addIssue({
      code: "custom",
      message: "must be a comma-separated list of WeChat openids (6–64 letters, digits, _ or -)",
    });
    return z.NEVER;
  }
  return openids;
});

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgresql://")
      .optional(),
  ),
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^(rediss?|redis\+sentinel):\/\//, "must start with redis://, rediss:// or redis+sentinel://")
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default("./data"),
  /** With no DATABASE_URL: a private PostgreSQL server under DATA_DIR, or PGlite inside the process. */
  EMBEDDED_DATABASE: z.preprocess(
    emptyAsUndefined,
    z.enum(["postgres", "pglite"], { message: "must be postgres or pglite" }).default("postgres"),
  ),
  INTENTS_DIR: z.string().min(1).default("./intents"),
  /** The trained message classifier (npm run nlp -- train …); a region points it at its own. */
  MESSAGE_MODEL_DIR: z.string().min(1).default("./intents/models/default"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT: z.coerce
    .number({ message: "must be a number of bytes" })
    .int()
    .positive()
    .default(64 * 1024),
  /** Run queue workers inside the web process (the one-command start). */
  WORKERS_IN_PROCESS: z.preprocess(emptyAsUndefined, booleanString.optional()),
  /** Prefix for every BullMQ key, so several hubs (or test runs) can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default("hub"),
  /** How long shutdown may take before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Time zone for ticket numbers and the working-day calendar. */
  TIME_ZONE: z.string().min(1).default("Asia/Shanghai"),
  /** How often a notice to a citizen is tried before it is given up (dead-lettered). */
  OUTBOUND_MAX_ATTEMPTS: z.coerce.number({ message: "must be a whole number" }).int().min(1).max(50).default(6),
  /** First retry delay of a failed notice; each later one doubles it. */
  OUTBOUND_BACKOFF_MS: z.coerce.number({ message: "must be a number of milliseconds" }).int().positive().default(2_000),
  /** Public hotline offered when the hub cannot help. */
  HOTLINE: z.string().min(1).default("12345"),
  /** Bearer token for /api/admin/* (catalog reload, unanswered questions). Unset: the admin API is off. */
  ADMIN_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** Bearer token for /metrics. Unset: /metrics answers only direct loopback requests (docs/deploy.md#metrics). */
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** A second listener serving only /metrics (the worker process's only HTTP port). Unset: none. */
  METRICS_PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).optional(),
  ),
  /** How long a scrape waits for Redis and the database before reporting a source as down. */
  METRICS_SCRAPE_TIMEOUT_MS: z.coerce
    .number({ message: "must be a number of milliseconds" })
    .int()
    .min(50)
    .max(30_000)
    .default(1_000),
  /** How long a WeChat or Weibo push may wait for its answer; slower answers are sent later through the platform's API. */
  PASSIVE_REPLY_BUDGET_MS: z.coerce
    .number({ message: "must be a number of milliseconds" })
    .int()
    .min(0)
    .max(4_800)
    .default(4_000),
  /** Pushes one process answers at once; beyond that they are queued and answered through the platform's API. */
  PASSIVE_REPLY_MAX_IN_FLIGHT: z.coerce.number({ message: "must be a whole number" }).int().min(0).default(64),
  /** A WeChat or Weibo push whose timestamp is further than this from the server's clock is refused (replays). */
  PUSH_MAX_SKEW_SECONDS: z.coerce
    .number({ message: "must be a number of seconds" })
    .int()
    .min(10)
    .max(3_600)
    .default(300),
  /** How long after a complaint a citizen's photos and locations are attached to it as evidence. */
  COMPLAINT_EVIDENCE_WINDOW_MINUTES: z.coerce
    .number({ message: "must be a number of minutes" })
    .int()
    .positive()
    .default(60),
  /** How long a complaint being taken down waits before the citizen is reminded, once. */
  COMPLAINT_INTAKE_REMIND_MINUTES: z.coerce
    .number({ message: "must be a number of minutes" })
    .int()
    .positive()
    .default(10),
  /** How long a complaint being taken down waits for the citizen's answer before it is dropped. */
  COMPLAINT_INTAKE_DROP_MINUTES: z.coerce
    .number({ message: "must be a number of minutes" })
    .int()
    .positive()
    .default(30),
  /** When agents answer 人工 (src/calendar/service-hours.ts reads it; holidays come from the calendar). */
  HANDOFF_HOURS: z
    .string()
    // The shape here; the days and times are read at start (src/calendar/service-hours.ts), naming this variable.
    .regex(/^\s*[a-z]{3}[a-z0-9:,;\- ]*$/i, 'must look like "mon-fri 09:00-12:00,13:30-17:30", or be "always"')
    .default("mon-fri 09:00-12:00,13:30-17:30"),
  /**
   * Agent queues of their own for some channels, each with its hours (src/conversation/handoff-queues.ts):
   * "<queue>:<channel>[,<channel>]=<hours>", separated by "|". Other channels: HANDOFF_HOURS.
   */
  HANDOFF_QUEUES: z
    .string()
    .regex(/^[a-z0-9_:,=;\-| ]*$/i, 'must look like "weibo:weibo=mon-sun 08:30-21:00" (entries separated by "|")')
    .default(""),
  /** How long a citizen waits for an agent before being told honestly and offered a 留言. */
  HANDOFF_PICKUP_MINUTES: z.coerce
    .number({ message: "must be a number of minutes" })
    .positive()
    .max(24 * 60)
    .default(5),
  /** Case management (src/tickets, src/cases, src/deadlines, src/staff, src/open311). */
  CASE_AUTO_CLOSE_DAYS: z.coerce.number({ message: "must be a number of days" }).positive().default(7),
  CASE_REOPEN_DAYS: z.coerce.number({ message: "must be a number of days" }).positive().default(15),
  CASE_LOW_RATING: z.enum(["reopen", "review"], { message: "must be reopen or review" }).default("reopen"),
  CASE_DUPLICATE_WINDOW_HOURS: z.coerce.number({ message: "must be a number of hours" }).positive().default(72),
  CASE_DUPLICATE_SIMILARITY: z.coerce.number({ message: "must be a number from 0 to 1" }).gt(0).max(1).default(0.3),
  CASE_SUPPLEMENT_WINDOW_HOURS: z.coerce.number({ message: "must be a number of hours" }).positive().default(24),
  /** A suggestion's (建言) deadline in working days, whatever its category. */
  SUGGESTION_DEADLINE_WORKDAYS: z.coerce
    .number({ message: "must be a number of working days" })
    .int()
    .positive()
    .default(15),
  CASE_TIMER_RECONCILE_MS: z.coerce
    .number({ message: "must be a number of milliseconds" })
    .int()
    .positive()
    .default(5 * 60_000),
  /** The workbench's 临期 tab: open tickets due within this many working hours. */
  WORKBENCH_DUE_SOON_HOURS: z.coerce.number({ message: "must be a number of hours" }).positive().default(8),
  STAFF_SESSION_HOURS: z.coerce.number({ message: "must be a number of hours" }).positive().default(12),
  /** Days after a case is finished before its personal data is erased (src/cases/retention.ts). */
  RETENTION_DAYS: z.coerce.number({ message: "must be a number of days" }).int().positive().default(365),
  /** When the retention job runs (cron, in TIME_ZONE), or "off" to run it only by hand. */
  RETENTION_CRON: z
    .string()
    .regex(/^(off|\S+( \S+){4,5})$/, { message: 'must be a cron pattern such as "30 3 * * *", or off' })
    .default("30 3 * * *"),
  /** The public transparency page folds a department's month or a category with fewer tickets into 其他. */
  TRANSPARENCY_MIN_GROUP: z.coerce.number({ message: "must be a whole number of tickets" }).int().min(1).default(5),
  /** Comma-separated keys Open311 clients send as api_key to file requests. */
  OPEN311_API_KEYS: z.string().default(""),
  /** Comma-separated keys Open311 clients send as api_key to read full requests (address, coordinates, photo). */
  OPEN311_READ_API_KEYS: z.string().default(""),
  /** The first admin account, created at start when no admin exists (both or neither). Never echoed in errors. */
  BOOTSTRAP_ADMIN_USER: z.preprocess(emptyAsUndefined, z.string().optional()),
  BOOTSTRAP_ADMIN_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** How long a crashed worker's job stays locked before another worker takes it over. */
  WORKER_LOCK_MS: z.coerce.number({ message: "must be a number of milliseconds" }).int().min(1000).default(30_000),
  /** Every rate limit and the login lockout; "off" only for load tests on a private network. */
  RATE_LIMIT: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
  /** Failed logins per account before it is locked for the window. */
  RATE_LIMIT_LOGIN_ACCOUNT: limitSetting("5/15m"),
  /** Failed logins per client address before it is refused for the window. */
  RATE_LIMIT_LOGIN_IP: limitSetting("20/15m"),
  /** Chat messages per session (X-Chat-Session). */
  RATE_LIMIT_CHAT_SESSION: limitSetting("20/1m"),
  /** Chat messages per client address (generous: many citizens may share one NAT address). */
  RATE_LIMIT_CHAT_IP: limitSetting("300/1m"),
  /** Open311 requests filed per api_key. */
  RATE_LIMIT_OPEN311_KEY: limitSetting("120/1m"),
  /** Which proxies' X-Forwarded-For to believe: false, true, or a list of addresses/CIDRs. */
  TRUST_PROXY: z.preprocess(emptyAsUndefined, trustProxy.optional()),
  /** Who may put the hub's pages in a frame (CSP frame-ancestors): 'self', 'none' or origins. */
  FRAME_ANCESTORS: z.preprocess(emptyAsUndefined, frameAncestors.optional()),
  /** Where opinion alert changes are POSTed (docs/opinion.md); unset: no webhook. */
  OPINION_ALERT_WEBHOOK: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, "must be an http:// or https:// URL")
      .optional(),
  ),
  /** The HMAC-SHA256 key the webhook's requests are signed with. Never echoed in errors. */
  OPINION_ALERT_WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, "must be at least 16 characters").optional(),
  ),
  /** The alert levels and the scores they start at. */
  OPINION_ALERT_LEVELS: z.preprocess(emptyAsUndefined, opinionAlertLevels.optional()),
  /**
   * The most messages whose detail the opinion monitor keeps in memory (per structure; topics,
   * and the words of its vocabulary and keyword series: a quarter of it each), whatever the
   * traffic: over it the oldest detail goes, the rarest words (docs/opinion.md).
   */
  OPINION_MONITOR_MAX_MESSAGES: z.coerce.number({ message: "must be a whole number" }).int().min(1_000).default(50_000),
  /** Duty officers who get alert changes as WeChat template messages (openids of the Official Account). */
  OPINION_ALERT_WECHAT_OPENIDS: z.preprocess(emptyAsUndefined, openidList.optional()),
  /** The template message they get. */
  OPINION_ALERT_WECHAT_TEMPLATE_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a template id (letters, digits, _ or -)")
      .optional(),
  ),
  /** Which template data key receives which field (over the classic first/keyword1…5/remark layout). */
  OPINION_ALERT_WECHAT_TEMPLATE_KEYS: z.preprocess(emptyAsUndefined, alertTemplateKeys.optional()),
  /** The workbench's public address, for links in messages to staff (the alerts' template messages). */
  WORKBENCH_PUBLIC_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be an http:// or https:// address without query")
      .transform((url) => url.replace(/\/+$/, ""))
      .optional(),
  ),
});

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  embeddedDatabase: "postgres" | "pglite";
  intentsDir: string;
  messageModelDir: string;
  logLevel: string;
  bodyLimit: number;
  workersInProcess: boolean;
  queuePrefix: string;
  shutdownTimeoutMs: number;
  timeZone: string;
  hotline: string;
  outboundMaxAttempts: number;
  outboundBackoffMs: number;
  adminToken: string | undefined;
  /** /metrics: its bearer token (METRICS_TOKEN), its own port (METRICS_PORT), the scrape's time bound. */
  metrics: { token: string | undefined; port: number | undefined; scrapeTimeoutMs: number };
  passiveReplyBudgetMs: number;
  passiveReplyMaxInFlight: number;
  /** ± seconds a WeChat or Weibo push's timestamp may be from now (PUSH_MAX_SKEW_SECONDS). */
  pushMaxSkewSeconds: number;
  complaintEvidenceWindowMs: number;
  /** COMPLAINT_INTAKE_REMIND_MINUTES and COMPLAINT_INTAKE_DROP_MINUTES, in milliseconds. */
  complaintIntakeRemindMs: number;
  complaintIntakeDropMs: number;
  /** HANDOFF_HOURS and HANDOFF_QUEUES as written, and HANDOFF_PICKUP_MINUTES in milliseconds (docs/handoff.md). */
  handoff: { hours: string; queues: string; pickupMs: number };
  /** Each channel's own section (its connector parses it; see ConfigSection), by channel name; undefined = off. */
  channels: Readonly<Record<string, unknown>>;
  cases: {
    autoCloseDays: number;
    reopenDays: number;
    lowRating: "reopen" | "review";
    duplicateWindowHours: number;
    duplicateSimilarity: number;
    supplementWindowHours: number;
    timerReconcileMs: number;
    /** SUGGESTION_DEADLINE_WORKDAYS: a suggestion's deadline. */
    suggestionDeadlineWorkdays: number;
    /** WORKBENCH_DUE_SOON_HOURS: working hours to the deadline that make a ticket 临期. */
    dueSoonHours: number;
  };
  staffSessionHours: number;
  /** The retention policy; cron undefined when RETENTION_CRON=off. */
  retention: { days: number; cron: string | undefined };
  /** TRANSPARENCY_MIN_GROUP: the smallest group the public transparency page shows on its own. */
  transparencyMinGroup: number;
  open311ApiKeys: string[];
  open311ReadApiKeys: string[];
  workerLockMs: number;
  /** BOOTSTRAP_ADMIN_USER / BOOTSTRAP_ADMIN_PASSWORD; undefined when unset. */
  bootstrapAdmin: { username: string; password: string } | undefined;
  /** Rate limits and login lockout; undefined when RATE_LIMIT=off. */
  rateLimits: RateLimits | undefined;
  /** Fastify's trustProxy (TRUST_PROXY). */
  trustProxy: boolean | string[];
  /** CSP frame-ancestors sources (FRAME_ANCESTORS). */
  frameAncestors: string[];
  opinion: {
    /** OPINION_ALERT_WEBHOOK with its secret; undefined: alerts are not sent anywhere (the workbench reads the table). */
    alertWebhook: { url: string; secret: string } | undefined;
    /** OPINION_ALERT_LEVELS; undefined: the defaults (src/opinion/alert-settings.ts). */
    alertLevels: OpinionAlertLevelSetting[] | undefined;
    /** OPINION_ALERT_WECHAT_*: duty officers' template messages; undefined: none sent. */
    alertWechat: { openids: string[]; templateId: string; keys: AlertTemplateKeys } | undefined;
    /** OPINION_MONITOR_MAX_MESSAGES: the monitor's cap on messages kept in memory (src/opinion/opinion-monitor.ts). */
    monitorMaxMessages: number;
  };
  /** WORKBENCH_PUBLIC_URL without a trailing slash; undefined: messages to staff carry no link. */
  workbenchPublicUrl: string | undefined;
}

export interface RateLimits {
  loginAccount: RateLimitSetting;
  loginIp: RateLimitSetting;
  chatSession: RateLimitSetting;
  chatIp: RateLimitSetting;
  open311Key: RateLimitSetting;
}

export class ConfigError extends Error {
  override name = "ConfigError";

  constructor(
    message: string,
    /** Each wrong setting, `NAME="value": what is wrong` (empty for other start-up problems). */
    readonly problems: string[] = [],
  ) {
    super(message);
  }

  static invalid(problems: string[]): ConfigError {
    return new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`, problems);
  }
}

/** Parses the variables a schema names; a wrong value throws a ConfigError naming the variable. */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw ConfigError.invalid(envProblems(parsed.error, env));
  return parsed.data;
}

function envProblems(error: z.ZodError, env: NodeJS.ProcessEnv): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join(".");
    // A secret's or token's value is never repeated, not even a wrong one; nor openids (they identify people).
    const value = /(SECRET|TOKEN|OPENIDS)$/.test(name) ? "…" : (env[name] ?? "");
    return `${name}=${JSON.stringify(value)}: ${issue.message}`;
  });
}

/**
 * A section of the configuration that a part above the core parses from the environment
 * (each channel's connector: connectors/<channel>/<channel>-config.ts). Wrong values throw
 * a ConfigError naming the variable; undefined means "off".
 */
export interface ConfigSection {
  name: string;
  loadConfig(env: NodeJS.ProcessEnv): unknown;
}

/**
 * Parses the environment: the core settings and the given sections (the composition root
 * passes every channel). A wrong value throws a ConfigError naming the variable; every
 * problem found is listed at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, sections: readonly ConfigSection[] = []): Config {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) problems.push(...envProblems(parsed.error, env));
  else if (!isValidTimeZone(parsed.data.TIME_ZONE))
    problems.push(`TIME_ZONE=${JSON.stringify(parsed.data.TIME_ZONE)}: unknown time zone`);
  const channels: Record<string, unknown> = {};
  for (const section of sections) {
    try {
      channels[section.name] = section.loadConfig(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (parsed.success && !!parsed.data.BOOTSTRAP_ADMIN_USER !== !!parsed.data.BOOTSTRAP_ADMIN_PASSWORD) {
    // Name the missing one only: a password must never appear in an error.
    const missing = parsed.data.BOOTSTRAP_ADMIN_USER ? "BOOTSTRAP_ADMIN_PASSWORD" : "BOOTSTRAP_ADMIN_USER";
    problems.push(`${missing}: must be set too (BOOTSTRAP_ADMIN_USER and BOOTSTRAP_ADMIN_PASSWORD go together)`);
  }
  if (parsed.success && !!parsed.data.OPINION_ALERT_WEBHOOK !== !!parsed.data.OPINION_ALERT_WEBHOOK_SECRET) {
    const missing = parsed.data.OPINION_ALERT_WEBHOOK ? "OPINION_ALERT_WEBHOOK_SECRET" : "OPINION_ALERT_WEBHOOK";
    problems.push(`${missing}: must be set too (OPINION_ALERT_WEBHOOK and OPINION_ALERT_WEBHOOK_SECRET go together)`);
  }
  if (parsed.success && !!parsed.data.OPINION_ALERT_WECHAT_OPENIDS !== !!parsed.data.OPINION_ALERT_WECHAT_TEMPLATE_ID) {
    const missing = parsed.data.OPINION_ALERT_WECHAT_OPENIDS
      ? "OPINION_ALERT_WECHAT_TEMPLATE_ID"
      : "OPINION_ALERT_WECHAT_OPENIDS";
    problems.push(
      `${missing}: must be set too (OPINION_ALERT_WECHAT_OPENIDS and OPINION_ALERT_WECHAT_TEMPLATE_ID go together)`,
    );
  }
  // Template messages go out through the Official Account: it must be on (its section loaded here).
  if (
    parsed.success &&
    parsed.data.OPINION_ALERT_WECHAT_OPENIDS &&
    sections.some((s) => s.name === "wechat") &&
    channels.wechat === undefined
  )
    problems.push(
      "OPINION_ALERT_WECHAT_OPENIDS: needs the WeChat Official Account on (WECHAT_TOKEN, WECHAT_APP_ID, …)",
    );
  if (problems.length > 0 || !parsed.success) throw ConfigError.invalid(problems);
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedDatabase: e.EMBEDDED_DATABASE,
    intentsDir: path.resolve(e.INTENTS_DIR),
    messageModelDir: path.resolve(e.MESSAGE_MODEL_DIR),
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    workersInProcess: e.WORKERS_IN_PROCESS ?? true,
    queuePrefix: e.QUEUE_PREFIX,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    timeZone: e.TIME_ZONE,
    hotline: e.HOTLINE,
    outboundMaxAttempts: e.OUTBOUND_MAX_ATTEMPTS,
    outboundBackoffMs: e.OUTBOUND_BACKOFF_MS,
    adminToken: e.ADMIN_TOKEN,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, scrapeTimeoutMs: e.METRICS_SCRAPE_TIMEOUT_MS },
    passiveReplyBudgetMs: e.PASSIVE_REPLY_BUDGET_MS,
    passiveReplyMaxInFlight: e.PASSIVE_REPLY_MAX_IN_FLIGHT,
    pushMaxSkewSeconds: e.PUSH_MAX_SKEW_SECONDS,
    complaintEvidenceWindowMs: e.COMPLAINT_EVIDENCE_WINDOW_MINUTES * 60_000,
    complaintIntakeRemindMs: e.COMPLAINT_INTAKE_REMIND_MINUTES * 60_000,
    complaintIntakeDropMs: e.COMPLAINT_INTAKE_DROP_MINUTES * 60_000,
    handoff: {
      hours: e.HANDOFF_HOURS,
      queues: e.HANDOFF_QUEUES,
      pickupMs: Math.round(e.HANDOFF_PICKUP_MINUTES * 60_000),
    },
    channels,
    cases: {
      autoCloseDays: e.CASE_AUTO_CLOSE_DAYS,
      reopenDays: e.CASE_REOPEN_DAYS,
      lowRating: e.CASE_LOW_RATING,
      duplicateWindowHours: e.CASE_DUPLICATE_WINDOW_HOURS,
      duplicateSimilarity: e.CASE_DUPLICATE_SIMILARITY,
      supplementWindowHours: e.CASE_SUPPLEMENT_WINDOW_HOURS,
      timerReconcileMs: e.CASE_TIMER_RECONCILE_MS,
      suggestionDeadlineWorkdays: e.SUGGESTION_DEADLINE_WORKDAYS,
      dueSoonHours: e.WORKBENCH_DUE_SOON_HOURS,
    },
    staffSessionHours: e.STAFF_SESSION_HOURS,
    retention: { days: e.RETENTION_DAYS, cron: e.RETENTION_CRON === "off" ? undefined : e.RETENTION_CRON },
    transparencyMinGroup: e.TRANSPARENCY_MIN_GROUP,
    open311ApiKeys: keyList(e.OPEN311_API_KEYS),
    open311ReadApiKeys: keyList(e.OPEN311_READ_API_KEYS),
    workerLockMs: e.WORKER_LOCK_MS,
    bootstrapAdmin:
      e.BOOTSTRAP_ADMIN_USER && e.BOOTSTRAP_ADMIN_PASSWORD
        ? { username: e.BOOTSTRAP_ADMIN_USER, password: e.BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
    rateLimits:
      e.RATE_LIMIT === "off"
        ? undefined
        : {
            loginAccount: e.RATE_LIMIT_LOGIN_ACCOUNT,
            loginIp: e.RATE_LIMIT_LOGIN_IP,
            chatSession: e.RATE_LIMIT_CHAT_SESSION,
            chatIp: e.RATE_LIMIT_CHAT_IP,
            open311Key: e.RATE_LIMIT_OPEN311_KEY,
          },
    trustProxy: e.TRUST_PROXY ?? false,
    frameAncestors: e.FRAME_ANCESTORS ?? ["'self'"],
    opinion: {
      alertWebhook:
        e.OPINION_ALERT_WEBHOOK && e.OPINION_ALERT_WEBHOOK_SECRET
          ? { url: e.OPINION_ALERT_WEBHOOK, secret: e.OPINION_ALERT_WEBHOOK_SECRET }
          : undefined,
      alertLevels: e.OPINION_ALERT_LEVELS,
      alertWechat:
        e.OPINION_ALERT_WECHAT_OPENIDS && e.OPINION_ALERT_WECHAT_TEMPLATE_ID
          ? {
              openids: e.OPINION_ALERT_WECHAT_OPENIDS,
              templateId: e.OPINION_ALERT_WECHAT_TEMPLATE_ID,
              keys: e.OPINION_ALERT_WECHAT_TEMPLATE_KEYS ?? DEFAULT_ALERT_TEMPLATE_KEYS,
            }
          : undefined,
      monitorMaxMessages: e.OPINION_MONITOR_MAX_MESSAGES,
    },
    workbenchPublicUrl: e.WORKBENCH_PUBLIC_URL,
  };
}

function keyList(value: string): string[] {
  return value
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
}

/** A channel is on when all its credentials are set, off when none is; anything between is a mistake. */
export function requireAllOrNone<E extends Record<string, unknown>>(e: E, names: (keyof E & string)[]): boolean {
  const missing = names.filter((name) => e[name] === undefined);
  if (missing.length === names.length) return false;
  if (missing.length > 0) {
    throw ConfigError.invalid([`${missing.join(", ")}: must be set too (${names.join(", ")} go together)`]);
  }
  return true;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
