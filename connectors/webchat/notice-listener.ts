// Live notices for web chat: the outbound worker (in any process) publishes a citizen's
// notice on Redis (webchat-sender.ts); the process holding that citizen's socket hears
// it here and pushes it down the socket. One subscriber connection per process, one
// Redis channel per session with a socket open, unsubscribed when its last socket closes.
// Best effort by design: a notice missed here (no socket, Redis blip) is still in the
// conversation, and the widget fetches what it has not seen (GET /api/chat/notices).
import type { Redis } from "ioredis";
import { type NoticePayload, webchatNoticeTopic } from "./notice.ts";

type Listener = (notice: NoticePayload) => void;

export class NoticeListener {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Calls `listener` with each notice for the session; returns how to stop. */
  listen(sessionUserId: string, listener: Listener): () => void {
    const topic = webchatNoticeTopic(this.prefix, sessionUserId);
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
      this.connection()
        .subscribe(topic)
        .catch(() => undefined);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(topic);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(topic);
      this.subscriber?.unsubscribe(topic).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // A connection in subscriber mode can do nothing else: its own, made on first use. Unlike
      // the producer connection it copies, it queues commands until connected (a SUBSCRIBE sent
      // at once would otherwise fail), and it resubscribes by itself after a reconnect.
      const subscriber = this.redis.duplicate({
        lazyConnect: false,
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        autoResubscribe: true,
      });
      subscriber.on("error", () => undefined); // reconnects by itself; the hub's outage log reports Redis
      subscriber.on("message", (topic: string, body: string) => {
        let notice: NoticePayload;
        try {
          notice = JSON.parse(body) as NoticePayload;
        } catch {
          return;
        }
        for (const listener of this.listeners.get(topic) ?? []) listener(notice);
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }
}
