// Conversations known to have no hand-off mark, so the chat path skips their context read
// (one indexed read per message cost about a third of the chat API's throughput, and few
// conversations ever ask for a person). Only a citizen's "人工" marks a conversation
// (HandoffDesk.request), in whichever process takes that message: it announces the
// conversation on a Redis channel before answering, and every process forgets it. The
// cache is trusted only while this process is subscribed to that channel: before the
// subscription is confirmed, and from the moment the connection drops until it is back,
// nothing is known and every message reads the database as before. A read that began
// before any announcement arrived is not remembered (it may predate the mark).
import type { Redis } from "ioredis";

/** How long "no mark" is trusted even with the channel up: a bound on any missed announcement. */
const TRUST_MS = 10 * 60_000;
const MAX_KNOWN = 50_000;
const ECHO_WAIT_MS = 200;

export class UnmarkedConversations {
  private readonly known = new Map<string, number>();
  private subscriber: Redis | undefined;
  private subscribed = false;
  /** Bumped by every announcement heard, and when the channel drops. */
  private epoch = 0;
  /** Announcements of this process waiting to be heard back. */
  private readonly echoes = new Map<string, () => void>();

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Subscribes; the cache is used once the subscription is confirmed. */
  start(): void {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate({
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      autoResubscribe: false,
    });
    subscriber.on("error", () => undefined); // reconnects by itself; the hub's outage log reports Redis
    const lost = () => {
      this.subscribed = false;
      this.forgetAll();
    };
    subscriber.on("close", lost);
    subscriber.on("end", lost);
    subscriber.on("ready", () => {
      subscriber
        .subscribe(this.channel)
        .then(() => {
          if (this.subscriber === subscriber && subscriber.status === "ready") this.subscribed = true;
        })
        .catch(lost);
    });
    subscriber.on("message", (_channel: string, conversationId: string) => {
      this.forget(conversationId);
      this.echoes.get(conversationId)?.();
    });
    this.subscriber = subscriber;
  }

  /**
   * The conversation's context from `read`, or undefined without reading when the
   * conversation is known to have no hand-off mark.
   */
  async readUnlessUnmarked<C extends { handoff?: unknown }>(
    conversationId: string,
    read: () => Promise<C>,
  ): Promise<C | undefined> {
    const checkedAt = this.known.get(conversationId);
    if (this.subscribed && checkedAt !== undefined && this.clock() - checkedAt < TRUST_MS) return undefined;
    const epoch = this.epoch;
    const context = await read();
    if (context.handoff === undefined && this.subscribed && epoch === this.epoch) this.remember(conversationId);
    return context;
  }

  /**
   * Tells every process (this one too) that the conversation now has a mark; call before
   * answering. Waits (briefly) for its own copy of the announcement: Redis sends it to
   * every subscriber at once, so the others have it on their sockets by then.
   */
  async announce(conversationId: string): Promise<void> {
    this.forget(conversationId);
    if (!this.subscribed) {
      await this.redis.publish(this.channel, conversationId);
      return;
    }
    let heard = () => {};
    const echo = new Promise<void>((resolve) => {
      heard = resolve;
    });
    this.echoes.set(conversationId, heard);
    try {
      await this.redis.publish(this.channel, conversationId);
      await Promise.race([echo, new Promise((resolve) => setTimeout(resolve, ECHO_WAIT_MS).unref())]);
    } finally {
      if (this.echoes.get(conversationId) === heard) this.echoes.delete(conversationId);
    }
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed = false;
    this.forgetAll();
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private remember(conversationId: string): void {
    this.known.delete(conversationId);
    this.known.set(conversationId, this.clock());
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
  }

  private forget(conversationId: string): void {
    this.epoch++;
    this.known.delete(conversationId);
  }

  private forgetAll(): void {
    this.epoch++;
    this.known.clear();
  }
}
