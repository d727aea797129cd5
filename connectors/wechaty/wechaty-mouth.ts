// The bot's account as the speaker needs it (WechatyMouth), over Wechaty's puppet. Typed
// structurally: this file loads nothing of Wechaty; the bot process hands it the puppet.
import type { WechatyMouth } from "./wechaty-speaker.ts";

/** The part of a Wechaty puppet the bot uses to speak. */
export interface PuppetLike {
  messageSendText(conversationId: string, text: string, mentionIdList?: string[]): Promise<unknown>;
  roomMemberPayload(roomId: string, memberId: string): Promise<{ name?: string; roomAlias?: string }>;
}

export function puppetMouth(puppet: () => PuppetLike): WechatyMouth {
  return {
    async sayInRoom(roomId, text, mentionIds) {
      await puppet().messageSendText(roomId, text, mentionIds);
    },
    async sayToContact(contactId, text) {
      await puppet().messageSendText(contactId, text);
    },
    async memberName(roomId, contactId) {
      try {
        const member = await puppet().roomMemberPayload(roomId, contactId);
        return member.roomAlias || member.name || "您";
      } catch {
        // Left the group, or the puppet cannot tell: the @ still notifies by id.
        return "您";
      }
    },
  };
}
