// How long to wait before the next reconnect after a logout or a failed start: doubling
// from `minMs` up to `maxMs`, with a little jitter so several bots do not retry in step;
// back to the start after a login.
export class ReconnectBackoff {
  private failures = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay (and counts the attempt). */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** this.failures);
    this.failures++;
    return Math.round(base * (0.9 + 0.2 * this.random()));
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
