// Queues are named for the work they do.
export const QueueNames = {
  /** Hand each new ticket to the responsible department. */
  routing: "routing",
  /** Deliver notices to citizens on their channel (see src/outbound). */
  outbound: "outbound",
  /** Platform pushes accepted under load, answered later through the platform's API. */
  inbound: "inbound",
  /** Repeating polls of platforms' public streams (Weibo mentions and comments). */
  channelPoll: "channel-poll",
  /** Deadline timers of tickets: reminders, breach (督办), auto-close (src/cases/deadline-worker.ts). */
  deadlines: "deadlines",
  /** One reminder to a citizen who went quiet while a complaint was being taken down (src/conversation/intake-reminder.ts). */
  intakeReminders: "intake-reminders",
  /** A citizen waiting for an agent (人工) is told honestly when nobody picks up in time (src/conversation/handoff-timeout.ts). */
  handoffTimeouts: "handoff-timeouts",
  /** Notices for the community-group bot, sent by its own process (`npm run wechaty`, connectors/wechaty). */
  wechatySend: "wechaty-send",
  /** Erase personal data past the retention policy, on a schedule (src/cases/retention-worker.ts). */
  retention: "retention",
  /** The public-opinion analysis of each citizen message, stored with its hourly rollups (src/opinion/opinion-worker.ts). */
  opinionAnalysis: "opinion-analysis",
  /** Alert changes (预警 opened, level raised, closed) delivered to the webhook (src/opinion/alert-delivery.ts). */
  opinionAlerts: "opinion-alerts",
} as const;

export type QueueName = (typeof QueueNames)[keyof typeof QueueNames];

export const ALL_QUEUES: QueueName[] = Object.values(QueueNames);
