// A citizen on a text-only channel answers numbered options by typing the number.
// The last options offered to each citizen are kept in Redis (shared by every web
// process) for a while, so "2" can be read as the second option's text.
import type { Redis } from "ioredis";
import type { Channel, QuickReply } from "../messages/messages.ts";

const KEEP_SECONDS = 30 * 60;
const BARE_NUMBER = /^\s*(\d{1,2})\s*[.。、]?\s*$/;

export class OfferedOptions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async remember(channel: Channel, channelUserId: string, options: QuickReply[]): Promise<void> {
    if (options.length === 0) return;
    await this.redis.set(this.key(channel, channelUserId), JSON.stringify(options.map((o) => o.text)), "EX", KEEP_SECONDS);
  }

  /** The option a bare number picks, or the text unchanged. Only numbers cost a lookup. */
  async resolve(channel: Channel, channelUserId: string, text: string): Promise<string> {
    const match = BARE_NUMBER.exec(text);
    if (!match) return text;
    const stored = await this.redis.get(this.key(channel, channelUserId)).catch(() => null);
    const options = stored ? (JSON.parse(stored) as string[]) : [];
    return options[Number(match[1]) - 1] ?? text;
  }

  private key(channel: Channel, channelUserId: string): string {
    return `${this.prefix}:options:${channel}:${channelUserId}`;
  }
}
