// Keeps the bot from flooding a group: at most one message per group every `intervalMs`
// (WECHATY_GROUP_REPLY_INTERVAL_MS, default 3 s). Nothing is dropped: what comes while a
// group's window is closed waits, and everything waiting is merged into the one message
// sent when the window opens (each part keeps its @-mention), up to MAX_MERGED_CHARS;
// the rest goes in the next window. One bot process per account, so the pace is kept in
// memory; a restart forgets only the last send time.

/** WeChat shows long texts badly; past this a merged message is cut at a part's boundary. */
export const MAX_MERGED_CHARS = 1_500;
const SEPARATOR = "\n\n";

export interface PacedPart {
  text: string;
  /** Contact ids @-mentioned by the part (the puppet notifies them). */
  mentionIds: string[];
}

/** Sends one message to a group. */
export type GroupSend = (roomId: string, text: string, mentionIds: string[]) => Promise<void>;

interface Waiting extends PacedPart {
  resolve(): void;
  reject(error: unknown): void;
}

interface GroupState {
  lastSentAt: number;
  waiting: Waiting[];
  timer?: NodeJS.Timeout;
  sending: boolean;
}

export class GroupPacer {
  private readonly groups = new Map<string, GroupState>();
  private closed = false;

  constructor(
    private readonly send: GroupSend,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves once the part went out (alone or merged), rejects when its message could not be sent. */
  say(roomId: string, part: PacedPart): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the group pacer is closed"));
    const group = this.groups.get(roomId) ?? { lastSentAt: Number.NEGATIVE_INFINITY, waiting: [], sending: false };
    this.groups.set(roomId, group);
    const sent = new Promise<void>((resolve, reject) => group.waiting.push({ ...part, resolve, reject }));
    this.schedule(roomId, group);
    return sent;
  }

  /** Parts waiting for a group's window (for status and tests). */
  waiting(roomId: string): number {
    return this.groups.get(roomId)?.waiting.length ?? 0;
  }

  /** Stops: what still waits is rejected (the caller's retry, e.g. the send queue's, takes it up again). */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      clearTimeout(group.timer);
      for (const part of group.waiting.splice(0)) part.reject(new Error("the bot is stopping"));
    }
  }

  private schedule(roomId: string, group: GroupState): void {
    if (group.timer || group.sending || group.waiting.length === 0) return;
    const wait = Math.max(0, group.lastSentAt + this.intervalMs - this.now());
    group.timer = setTimeout(() => {
      group.timer = undefined;
      void this.flush(roomId, group);
    }, wait);
  }

  private async flush(roomId: string, group: GroupState): Promise<void> {
    const batch = takeBatch(group.waiting);
    group.sending = true;
    try {
      await this.send(roomId, batch.map((p) => p.text).join(SEPARATOR), [
        ...new Set(batch.flatMap((p) => p.mentionIds)),
      ]);
      for (const part of batch) part.resolve();
    } catch (error) {
      for (const part of batch) part.reject(error);
    } finally {
      group.lastSentAt = this.now();
      group.sending = false;
    }
    if (!this.closed) this.schedule(roomId, group);
  }
}

/** The first parts that fit in one message (always at least one). */
function takeBatch(waiting: Waiting[]): Waiting[] {
  let length = waiting[0]!.text.length;
  let count = 1;
  while (count < waiting.length && length + SEPARATOR.length + waiting[count]!.text.length <= MAX_MERGED_CHARS) {
    length += SEPARATOR.length + waiting[count]!.text.length;
    count++;
  }
  return waiting.splice(0, count);
}
