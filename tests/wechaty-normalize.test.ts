// The community-group connector's pure parts: addressing, normalization (with a faithful
// fake of a Wechaty message for what wechaty-puppet-mock cannot send: a location), group
// places against the gazetteer, the per-group pacer and its settings.
import path from "node:path";
import { types as puppetTypes } from "wechaty-puppet";
import { describe, expect, it } from "vitest";
import { loadWechatyConfig } from "../connectors/wechaty/wechaty-config.ts";
import { GroupPacer } from "../connectors/wechaty/group-pacer.ts";
import { GroupPlaces } from "../connectors/wechaty/group-places.ts";
import { addressedGroupText } from "../connectors/wechaty/group-addressing.ts";
import { citizenId, parseCitizenId } from "../connectors/wechaty/wechaty-citizen.ts";
import {
  toIncoming,
  WECHATY_MESSAGE_TYPES,
  type WechatyIncoming,
  type WechatyMessageLike,
} from "../connectors/wechaty/wechaty-incoming.ts";
import { wechatyInput } from "../connectors/wechaty/wechaty-input.ts";
import { ConfigError } from "../src/config.ts";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";

const intents = path.resolve(import.meta.dirname, "../intents");
const KEYWORDS = ["#投诉", "#求助", "12345"];

/** A Wechaty message as Wechaty 1.20 hands it to a `message` listener, with the members the bot reads. */
function fakeMessage(o: {
  type: number;
  text?: string;
  room?: { id: string; topic: string };
  mentionSelf?: boolean;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
}): WechatyMessageLike {
  const text = o.text ?? "";
  return {
    id: "msg-1",
    type: () => o.type,
    text: () => text,
    self: () => false,
    date: () => new Date("2026-12-07T08:00:00Z"),
    talker: () => ({ id: "wxid_zhang", name: () => "张三" }),
    room: () => (o.room ? { id: o.room.id, topic: async () => o.room!.topic } : undefined),
    mentionSelf: async () => o.mentionSelf ?? false,
    // Wechaty's mentionText() drops "@name" and the U+2005 after it.
    mentionText: async () => text.replace(/@\S+?\u2005/g, "").trim(),
    toUrlLink: async () => ({ title: () => "标题", description: () => "描述", url: () => "https://example.org/" }),
    wechaty: {
      puppet: {
        messageLocation: async () => o.location ?? { latitude: 0, longitude: 0 },
      },
    },
  };
}

const room = { id: "1001@chatroom", topic: "光明社区居民群" };

describe("community-group messages, normalized", () => {
  it("uses wechaty-puppet's message type numbers", () => {
    for (const [name, value] of Object.entries(WECHATY_MESSAGE_TYPES))
      expect(puppetTypes.Message[name as keyof typeof puppetTypes.Message], name).toBe(value);
  });

  it("answers a group only when @-mentioned or asked with a keyword at the start", () => {
    expect(addressedGroupText({ text: "楼道灯坏了", mentionsSelf: true }, KEYWORDS)).toBe("楼道灯坏了");
    expect(addressedGroupText({ text: "#投诉 楼道灯坏了", mentionsSelf: false }, KEYWORDS)).toBe("投诉 楼道灯坏了");
    expect(addressedGroupText({ text: "12345 路灯不亮", mentionsSelf: false }, KEYWORDS)).toBe("12345 路灯不亮");
    expect(addressedGroupText({ text: "今天谁去开会？#投诉", mentionsSelf: false }, KEYWORDS)).toBeUndefined();
    expect(addressedGroupText({ text: "大家好", mentionsSelf: false }, KEYWORDS)).toBeUndefined();
  });

  it("turns an @-mention in a group into a text input for the member in that group, with the group's place", async () => {
    const incoming = (await toIncoming(
      fakeMessage({ type: WECHATY_MESSAGE_TYPES.Text, text: "@网格助手\u2005楼道灯坏了", room, mentionSelf: true }),
    ))!;
    const place = { code: "990102001002", name: "光明社区", level: "community", district: "东湖区", address: "x" };
    const result = wechatyInput(incoming, { keywords: KEYWORDS, place, recentlyAddressed: false })!;
    expect(result.addressed).toBe(true);
    expect(result.input).toMatchObject({
      channel: "wechaty",
      channelMessageId: "msg-1",
      action: { type: "text", text: "楼道灯坏了" },
      place,
    });
    expect(parseCitizenId(result.input.channelUserId)).toEqual({
      kind: "group",
      roomId: room.id,
      contactId: "wxid_zhang",
    });
  });

  it("ignores group chatter, and a photo from a member who has not addressed the bot", async () => {
    const chatter = (await toIncoming(fakeMessage({ type: WECHATY_MESSAGE_TYPES.Text, text: "大家好", room })))!;
    expect(wechatyInput(chatter, { keywords: KEYWORDS, recentlyAddressed: true })).toBeUndefined();
    const photo = (await toIncoming(fakeMessage({ type: WECHATY_MESSAGE_TYPES.Image, room })))!;
    expect(wechatyInput(photo, { keywords: KEYWORDS, recentlyAddressed: false })).toBeUndefined();
    expect(wechatyInput(photo, { keywords: KEYWORDS, recentlyAddressed: true })?.input.action).toEqual({
      type: "media",
      media: "image",
      mediaId: "msg-1",
    });
  });

  it("reads a location (which the mock puppet cannot send) from the puppet into a location input", async () => {
    const message = fakeMessage({
      type: WECHATY_MESSAGE_TYPES.Location,
      location: { latitude: 30.12, longitude: 120.34, name: "光明小区3号楼", address: "东湖区人民路" },
    });
    const incoming = (await toIncoming(message))!;
    expect(incoming.kind).toBe("location");
    const { input } = wechatyInput(incoming, { keywords: KEYWORDS, recentlyAddressed: false })!;
    expect(input.action).toEqual({ type: "location", latitude: 30.12, longitude: 120.34, label: "光明小区3号楼" });
    expect(parseCitizenId(input.channelUserId)).toEqual({ kind: "private", contactId: "wxid_zhang" });
  });

  it("answers everything in a private chat: links, voice, stickers", async () => {
    const base: Omit<WechatyIncoming, "kind" | "text"> = {
      id: "m",
      talker: { id: "c", name: "李四" },
      mentionsSelf: false,
      at: new Date(),
    };
    const action = (m: WechatyIncoming) => wechatyInput(m, { keywords: [], recentlyAddressed: false })!.input.action;
    expect(action({ ...base, kind: "audio", text: "" })).toEqual({ type: "voice" });
    expect(action({ ...base, kind: "other", what: "表情", text: "" })).toEqual({ type: "unsupported", what: "表情" });
    const link = await toIncoming(fakeMessage({ type: WECHATY_MESSAGE_TYPES.Url }));
    expect(action(link!)).toEqual({ type: "link", title: "标题", description: "描述", url: "https://example.org/" });
  });

  it("keeps any platform id in a citizen id", () => {
    const citizen = { kind: "group" as const, roomId: "a/b@chatroom", contactId: "wm:1/2" };
    expect(parseCitizenId(citizenId(citizen))).toEqual(citizen);
    expect(parseCitizenId("g/x")).toBeUndefined();
  });
});

describe("group places", () => {
  it("resolves names, aliases and codes against the gazetteer, from the district down", async () => {
    const regions = await loadGazetteer(intents);
    const places = GroupPlaces.resolve(
      [
        { group: { topic: "光明社区居民群" }, place: "光明社区" },
        { group: { id: "2002@chatroom" }, place: "990102001" },
      ],
      regions,
    );
    expect(places.placeOf({ id: "x", topic: "光明社区居民群" })).toEqual({
      code: "990102001002",
      name: "光明社区",
      level: "community",
      district: "东湖区",
      address: "东湖区人民路街道光明社区",
    });
    expect(places.placeOf({ id: "2002@chatroom", topic: "改了名的群" })?.name).toBe("人民路街道");
    expect(places.placeOf({ id: "y", topic: "别的群" })).toBeUndefined();
  });

  it("refuses a place that is not an area of the gazetteer, naming the variable", async () => {
    const regions = await loadGazetteer(intents);
    expect(() => GroupPlaces.resolve([{ group: { topic: "群" }, place: "火星社区" }], regions)).toThrow(
      /WECHATY_GROUP_PLACES: "火星社区" is not a district/,
    );
  });
});

describe("the group pacer", () => {
  it("sends at most one message per group per interval, merging what waits, without dropping anything", async () => {
    const sent: { room: string; text: string; mentions: string[]; at: number }[] = [];
    const pacer = new GroupPacer(async (room, text, mentions) => {
      sent.push({ room, text, mentions, at: Date.now() });
    }, 300);
    await pacer.say("r1", { text: "@甲 一", mentionIds: ["a"] });
    const start = Date.now();
    await Promise.all([
      pacer.say("r1", { text: "@乙 二", mentionIds: ["b"] }),
      pacer.say("r2", { text: "@丙 三", mentionIds: ["c"] }),
    ]);
    // The first went at once; the second waited for r1's window; r2 has its own window.
    await pacer.say("r1", { text: "@丁 四", mentionIds: ["d"] });
    const r1 = sent.filter((s) => s.room === "r1");
    expect(r1.map((s) => s.text)).toEqual(["@甲 一", "@乙 二", "@丁 四"]);
    expect(r1[1]!.at - r1[0]!.at).toBeGreaterThanOrEqual(290);
    expect(r1[2]!.at - r1[1]!.at).toBeGreaterThanOrEqual(290);
    expect(sent.find((s) => s.room === "r2")!.at - start).toBeLessThan(150);

    // Several waiting at once are merged into one message, each keeping its mention.
    sent.length = 0;
    await Promise.all(["五", "六", "七"].map((t, i) => pacer.say("r1", { text: `@x ${t}`, mentionIds: [`m${i}`] })));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toBe("@x 五\n\n@x 六\n\n@x 七");
    expect(sent[0]!.mentions).toEqual(["m0", "m1", "m2"]);
    pacer.close();
  });
});

describe("WECHATY_* settings", () => {
  it("is off without a puppet, and needs a token for the puppet service", () => {
    expect(loadWechatyConfig({})).toBeUndefined();
    expect(() => loadWechatyConfig({ WECHATY_PUPPET: "wechaty-puppet-service" })).toThrow(
      /WECHATY_PUPPET_SERVICE_TOKEN: must be set/,
    );
    expect(() => loadWechatyConfig({ WECHATY_GROUP_PLACES: "群=光明社区" })).toThrow(ConfigError);
    expect(() => loadWechatyConfig({ WECHATY_PUPPET: "not a puppet" })).toThrow(/WECHATY_PUPPET=/);
  });

  it("parses keywords, group places, the pace and where notices go", () => {
    const config = loadWechatyConfig({
      WECHATY_PUPPET: "wechaty-puppet-service",
      WECHATY_PUPPET_SERVICE_TOKEN: "puppet_workpro_0123456789",
      WECHATY_KEYWORDS: "#投诉，12345",
      WECHATY_GROUP_PLACES: "光明社区居民群=光明社区; id:1001@chatroom=990102001",
      WECHATY_GROUP_REPLY_INTERVAL_MS: "5000",
      WECHATY_NOTICES: "private",
    })!;
    expect(config.keywords).toEqual(["#投诉", "12345"]);
    expect(config.groupPlaces).toEqual([
      { group: { topic: "光明社区居民群" }, place: "光明社区" },
      { group: { id: "1001@chatroom" }, place: "990102001" },
    ]);
    expect(config.groupReplyIntervalMs).toBe(5000);
    expect(config.notices).toBe("private");
    expect(() =>
      loadWechatyConfig({ WECHATY_PUPPET: "wechaty-puppet-mock", WECHATY_GROUP_PLACES: "没有等号" }),
    ).toThrow(/WECHATY_GROUP_PLACES/);
  });

  it("never repeats the token in an error", () => {
    try {
      loadWechatyConfig({ WECHATY_PUPPET: "wechaty-puppet-service", WECHATY_PUPPET_SERVICE_TOKEN: "short" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain("short");
    }
  });
});
