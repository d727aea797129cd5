// Login lockout: failed logins are counted per account and per client address in the
// hub's Redis (so the lockout holds across processes). Past the limit, that account (or
// address) is refused with 429 and Retry-After until the window after its last failure
// has passed; a success clears the account's count. Redis down: fail open (logins keep
// working; the outage is logged once by src/queue/redis-outage.ts).
import { normalizeIP } from "@fastify/rate-limit";
import type { Redis } from "ioredis";
import type { RateLimits } from "../config.ts";

// Counts a failure; the window restarts at every failure from the limit on, so a locked
// account stays locked for the whole window after the last try.
const FAIL_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or n >= tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly limits: Pick<RateLimits, "loginAccount" | "loginIp">,
    private readonly prefix: string,
  ) {}

  /** Seconds to wait before this account may try again from this address; undefined: go ahead. */
  async lockedFor(username: string, ip: string): Promise<number | undefined> {
    try {
      const replies = await this.redis
        .pipeline()
        .get(this.accountKey(username))
        .pttl(this.accountKey(username))
        .get(this.addressKey(ip))
        .pttl(this.addressKey(ip))
        .exec();
      const value = (i: number) => Number(replies?.[i]?.[1] ?? 0);
      const waits = [
        value(0) >= this.limits.loginAccount.max ? value(1) : 0,
        value(2) >= this.limits.loginIp.max ? value(3) : 0,
      ];
      const ms = Math.max(...waits);
      return ms > 0 ? Math.ceil(ms / 1000) : undefined;
    } catch {
      return undefined; // fail open
    }
  }

  async failed(username: string, ip: string): Promise<void> {
    const { loginAccount, loginIp } = this.limits;
    await Promise.all([
      this.redis.eval(FAIL_SCRIPT, 1, this.accountKey(username), loginAccount.windowMs, loginAccount.max),
      this.redis.eval(FAIL_SCRIPT, 1, this.addressKey(ip), loginIp.windowMs, loginIp.max),
    ]).catch(() => undefined);
  }

  async succeeded(username: string): Promise<void> {
    await this.redis.del(this.accountKey(username)).catch(() => undefined);
  }

  private accountKey(username: string): string {
    return `${this.prefix}:login-failures:account:${username.trim().toLowerCase()}`;
  }

  private addressKey(ip: string): string {
    return `${this.prefix}:login-failures:ip:${normalizeIP(ip)}`;
  }
}

/** What a member of staff reads when locked out. */
export function lockedOutMessage(seconds: number): string {
  return `登录失败次数过多，请在 ${Math.ceil(seconds / 60)} 分钟后再试。`;
}
