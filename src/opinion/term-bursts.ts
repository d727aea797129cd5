// Which terms burst right now: a term's messages in the last window (an hour) against what its
// share of every message seen so far predicts for that window's traffic. An outcry's words
// (停车, 收费) burst in its first minutes even when the city uses them every day; a busy
// Monday morning does not make a term burst, since the window's traffic is the yardstick.
// At most maxMessages messages are kept: beyond that the window is the latest maxMessages
// messages (their traffic is the yardstick then, so the ratio stays fair).
import type { TermStatistics } from "./term-statistics.ts";

export interface BurstSettings {
  /** The window a burst is counted over. */
  burstMinutes: number;
  /** The least count in the window for a burst. */
  burstMinCount: number;
  /** The least count against the expected one for a burst. */
  burstRatio: number;
}

const COUNTED_OUT: { time: number; terms: readonly string[] } = Object.freeze({ time: 0, terms: Object.freeze([]) });

export class TermBursts {
  private readonly window: { time: number; terms: readonly string[] }[] = [];
  private readonly counts = new Map<string, number>();
  private head = 0;

  constructor(
    private readonly background: TermStatistics,
    private readonly settings: BurstSettings,
    private readonly maxMessages = Number.POSITIVE_INFINITY,
  ) {}

  /** How many messages the window holds. */
  get size(): number {
    return this.window.length - this.head;
  }

  /** Counts one message's terms (messages come in time order); drops those older than the window. */
  add(time: number, terms: readonly string[]): void {
    const cutoff = time - this.settings.burstMinutes * 60_000;
    while (this.head < this.window.length && this.window[this.head]!.time < cutoff) this.countOut();
    // Over the cap: the oldest go.
    while (this.size >= this.maxMessages) this.countOut();
    // Drops the counted-out head (emptied slots) now and then: copying is the cost.
    if (this.head > 1024 && this.head * 2 > this.window.length) {
      this.window.splice(0, this.head);
      this.head = 0;
    }
    const unique = [...new Set(terms)];
    this.window.push({ time, terms: unique });
    for (const term of unique) this.counts.set(term, (this.counts.get(term) ?? 0) + 1);
  }

  private countOut(): void {
    for (const term of this.window[this.head]!.terms) {
      const left = this.counts.get(term)! - 1;
      if (left === 0) this.counts.delete(term);
      else this.counts.set(term, left);
    }
    // The slot keeps nothing alive until the head is dropped.
    this.window[this.head++] = COUNTED_OUT;
  }

  bursting(term: string): boolean {
    const count = this.counts.get(term) ?? 0;
    if (count < this.settings.burstMinCount || this.background.documents === 0) return false;
    const share = this.background.frequency(term) / this.background.documents;
    return count >= this.settings.burstRatio * share * (this.window.length - this.head);
  }
}
