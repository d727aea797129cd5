import { describe, expect, it } from "vitest";
import { conversationIdFor } from "../src/conversation/conversation-id.ts";

describe("conversation ids", () => {
  it("are stable, UUID-shaped and distinct per channel and citizen", () => {
    const id = conversationIdFor("wechat", "oUser1");
    expect(id).toBe(conversationIdFor("wechat", "oUser1"));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(conversationIdFor("weibo", "oUser1")).not.toBe(id);
    expect(conversationIdFor("wechat", "oUser2")).not.toBe(id);
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    expect(conversationIdFor("ab", "c")).not.toBe(conversationIdFor("a", "bc"));
  });
});
