// The community-group bot's parts, put together in its own process (src/wechaty-bot.ts)
// and in tests: the session (login, QR code, reconnect), the inbox (answers), the speaker
// with its per-group pacer, and the worker saying the hub's notices. It is handed a
// Wechaty instance already built — this file never loads Wechaty.
import type { Worker } from "bullmq";
import type { ChannelDeps } from "../shared/channel-module.ts";
import { messagingConversation } from "../shared/messaging-conversation.ts";
import { loadGazetteer } from "../../src/knowledge/load-gazetteer.ts";
import { GroupPacer } from "./group-pacer.ts";
import { GroupPlaces } from "./group-places.ts";
import type { WechatyConfig } from "./wechaty-config.ts";
import { toIncoming, type WechatyMessageLike } from "./wechaty-incoming.ts";
import { WechatyInbox } from "./wechaty-inbox.ts";
import { type PuppetLike, puppetMouth } from "./wechaty-mouth.ts";
import { createWechatySendWorker } from "./wechaty-send-worker.ts";
import { type SessionOptions, type WechatyBotLike, WechatySession } from "./wechaty-session.ts";
import { WechatySpeaker } from "./wechaty-speaker.ts";
import { BotStateStore } from "./wechaty-state.ts";

export interface WechatyBotDeps {
  hub: ChannelDeps;
  settings: WechatyConfig;
  bot: WechatyBotLike & { puppet: PuppetLike };
  session?: SessionOptions;
}

export interface WechatyBot {
  session: WechatySession;
  inbox: WechatyInbox;
  pacer: GroupPacer;
  sendWorker: Worker;
  close(): Promise<void>;
}

export async function startWechatyBot({
  hub,
  settings,
  bot,
  session: sessionOptions,
}: WechatyBotDeps): Promise<WechatyBot> {
  const { config, log } = hub;
  // Every group's place must be in the gazetteer: a wrong one stops the start, naming it.
  const places = GroupPlaces.resolve(settings.groupPlaces, await loadGazetteer(config.intentsDir));
  const mouth = puppetMouth(() => bot.puppet);
  const pacer = new GroupPacer(mouth.sayInRoom, settings.groupReplyIntervalMs);
  const speaker = new WechatySpeaker(mouth, pacer);
  const inbox = new WechatyInbox({
    redis: hub.redis,
    prefix: config.queuePrefix,
    log,
    conversation: messagingConversation(hub),
    speaker,
    places,
    keywords: settings.keywords,
    evidenceWindowMs: config.complaintEvidenceWindowMs,
  });
  const session = new WechatySession(
    bot,
    new BotStateStore(hub.redis, config.queuePrefix),
    log,
    async (message) => {
      const incoming = await toIncoming(message as WechatyMessageLike);
      if (incoming) await inbox.receive(incoming);
    },
    sessionOptions,
  );
  const sendWorker = createWechatySendWorker({
    redisUrl: hub.redisUrl,
    prefix: config.queuePrefix,
    prisma: hub.prisma,
    log,
    speaker,
    loggedIn: () => bot.isLoggedIn,
    notices: settings.notices,
  });
  await session.start();
  let closing: Promise<void> | undefined;
  return {
    session,
    inbox,
    pacer,
    sendWorker,
    close() {
      closing ??= (async () => {
        await sendWorker.close();
        pacer.close();
        await session.close();
      })();
      return closing;
    },
  };
}
