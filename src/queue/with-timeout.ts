// Redis calls can wait for a connection to become ready, which never happens while
// Redis is down. Callers that must not hang (the outbox relay, timers set after a
// commit, the readiness checks) bound them with this and retry later.
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "the queue"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
