// Group commit for queue processors: jobs that run at the same time (a worker's concurrency)
// are handed to one batch function together, so a batch costs one read and one write instead
// of one per job. While a batch runs, new items wait and go together in the next one.

interface Waiting<In, Out> {
  item: In;
  resolve(result: Out): void;
  reject(error: unknown): void;
}

export class GroupCommit<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private inFlight = 0;

  constructor(
    /** Handles a batch; answers one result per item, in the same order. */
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch = 100,
    private readonly maxConcurrent = 1,
  ) {}

  /** Resolves with the item's result once its batch is done; rejects when the batch failed. */
  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.maxConcurrent) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch.map((w) => w.item))
        .then((results) => batch.forEach((w, i) => w.resolve(results[i]!)))
        .catch((error: unknown) => batch.forEach((w) => w.reject(error)))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
