// How many chat sockets one IP address may hold open, counted per web process: a socket
// is a process's resource (memory, a file descriptor), and counting here needs no
// round trip and cannot leak counts when another process dies. With P web processes an
// address holds at most P × the limit. (Chat messages themselves are limited across
// processes by the rate limits keyed on the session and the IP.)
export class SocketCounter {
  private readonly open = new Map<string, number>();

  /** max undefined = no limit (RATE_LIMIT=off). */
  constructor(private readonly max: number | undefined) {}

  isFull(ip: string): boolean {
    return this.max !== undefined && (this.open.get(ip) ?? 0) >= this.max;
  }

  /** Counts a socket in; returns its release, or undefined when the address is at its limit. */
  take(ip: string): (() => void) | undefined {
    if (this.isFull(ip)) return undefined;
    this.open.set(ip, (this.open.get(ip) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(ip) ?? 1) - 1;
      if (left > 0) this.open.set(ip, left);
      else this.open.delete(ip);
    };
  }
}
