// Queues are named for the work they do.
export const QueueNames = {
  /** Hand each new ticket to the responsible department. */
  routing: "routing",
} as const;

export type QueueName = (typeof QueueNames)[keyof typeof QueueNames];

export const ALL_QUEUES: QueueName[] = Object.values(QueueNames);
