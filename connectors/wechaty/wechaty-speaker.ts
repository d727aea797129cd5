// How the bot speaks: in a group through the pacer (one message per group per interval,
// merged when several wait), with the member @-mentioned; in a private chat to the contact.
// The mouth is the bot's puppet, behind a port so that nothing here loads Wechaty.
import type { GroupPacer } from "./group-pacer.ts";
import type { WechatyCitizen } from "./wechaty-citizen.ts";

/** What the bot can do with its account (implemented over Wechaty's puppet in the bot process). */
export interface WechatyMouth {
  /** Sends text to a group; `mentionIds` are notified (the text carries the visible @name). */
  sayInRoom(roomId: string, text: string, mentionIds: string[]): Promise<void>;
  sayToContact(contactId: string, text: string): Promise<void>;
  /** A member's name to show after @ (their group alias when they have one). */
  memberName(roomId: string, contactId: string): Promise<string>;
}

/** WeChat's own mention separator: "@张三" followed by U+2005 (four-per-em space). */
const MENTION_SPACE = "\u2005";

export function mentionText(name: string, text: string): string {
  return `@${name}${MENTION_SPACE}${text}`;
}

export class WechatySpeaker {
  constructor(
    private readonly mouth: WechatyMouth,
    private readonly pacer: GroupPacer,
  ) {}

  /** `name`: the member's name when known (the message's talker), else looked up. */
  async say(citizen: WechatyCitizen, text: string, name?: string): Promise<void> {
    if (citizen.kind === "private") return this.mouth.sayToContact(citizen.contactId, text);
    const shown = name ?? (await this.mouth.memberName(citizen.roomId, citizen.contactId));
    return this.pacer.say(citizen.roomId, { text: mentionText(shown, text), mentionIds: [citizen.contactId] });
  }
}
