// Agent queues and their service hours. Every conversation asking for a person joins the
// queue of its channel: `general` (HANDOFF_HOURS) unless HANDOFF_QUEUES gives its channel a
// queue of its own with its own hours — for example Weibo, answered by the city's 政务微博
// team into the evening:  HANDOFF_QUEUES="weibo:weibo=mon-sun 08:30-21:00"
// Entries are "<queue>:<channel>[,<channel>…]=<hours>", separated by "|". Pure.
import { parseServiceHours, type ServiceHours } from "../calendar/service-hours.ts";
import { DEFAULT_QUEUE } from "./handoff-rules.ts";

export interface HandoffQueue {
  code: string;
  hours: ServiceHours;
}

const ENTRY = /^([a-z][a-z0-9_-]{0,31}):([a-z0-9_,-]+)=(.+)$/;

export class HandoffQueues {
  private readonly byChannel = new Map<string, HandoffQueue>();
  private readonly byCode = new Map<string, HandoffQueue>();
  private readonly general: HandoffQueue;

  /** Throws an Error naming what is wrong (the caller names the variable). */
  constructor(defaultHours: ServiceHours, spec = "") {
    this.general = { code: DEFAULT_QUEUE, hours: defaultHours };
    this.byCode.set(DEFAULT_QUEUE, this.general);
    for (const entry of spec
      .split("|")
      .map((e) => e.trim())
      .filter(Boolean)) {
      const m = ENTRY.exec(entry);
      if (!m) throw new Error(`"${entry}" is not "<queue>:<channel>[,<channel>]=<hours>"`);
      const [, code, channels, hours] = m as unknown as [string, string, string, string];
      if (this.byCode.has(code)) throw new Error(`queue "${code}" is named twice`);
      const queue = { code, hours: parseServiceHours(hours) };
      this.byCode.set(code, queue);
      for (const channel of channels.split(",").filter(Boolean)) {
        if (this.byChannel.has(channel)) throw new Error(`channel "${channel}" is in two queues`);
        this.byChannel.set(channel, queue);
      }
    }
  }

  /** The queue a conversation on this channel joins. */
  forChannel(channel: string): HandoffQueue {
    return this.byChannel.get(channel) ?? this.general;
  }

  /** A stored hand-off's queue; one no longer configured falls back to `general`'s hours. */
  byName(code: string): HandoffQueue {
    return this.byCode.get(code) ?? this.general;
  }
}
