// What a conversation remembers, as stored in Conversation.context: one typed record,
// parsed defensively, changed key by key (a dialogue turn never drops the complaint).
import { describe, expect, it } from "vitest";
import { dialogueChange, offeredChange, parseContext } from "../src/conversation/conversation-context.ts";
import { bareNumber, chosenOption } from "../src/conversation/numbered-options.ts";

describe("conversation context", () => {
  const stored = {
    item: "GA003",
    facet: "fee",
    options: ["RS001", "RS002"],
    optionsFacet: "materials",
    offered: ["1", "2"],
    complaintStartedAt: "2026-11-22T08:00:00.000Z",
  };

  it("keeps well-formed fields only", () => {
    expect(parseContext(stored)).toEqual({ ...stored, complaintStartedAt: new Date(stored.complaintStartedAt) });
    expect(
      parseContext({ item: 3, facet: "colour", options: [1], offered: "x", complaintStartedAt: "not a date" }),
    ).toEqual({});
    expect(parseContext(null)).toEqual({});
  });

  it("forgets the dialogue after a long pause but not a complaint being described", () => {
    expect(parseContext(stored, false)).toEqual({ complaintStartedAt: new Date(stored.complaintStartedAt) });
  });

  it("changes the dialogue's keys as a whole and leaves the complaint alone", () => {
    const change = dialogueChange({ item: "CJ001" }, [{ type: "text", text: "…" }]);
    expect(change).toEqual({ item: "CJ001", facet: null, options: null, optionsFacet: null, offered: null });
    expect(change).not.toHaveProperty("complaintStartedAt");
    const offering = dialogueChange({}, [
      { type: "text", text: "…", quickReplies: [{ label: "转人工服务", text: "人工" }] },
    ]);
    expect(offering.offered).toEqual(["人工"]);
    expect(offeredChange([{ type: "text", text: "…" }])).toBeUndefined();
  });

  it("reads a bare number, full-width too, as the option it names", () => {
    expect([
      bareNumber("2"),
      bareNumber(" ２ "),
      bareNumber("2."),
      bareNumber("2号楼"),
      bareNumber("5 处理很及时"),
    ]).toEqual([2, 2, 2, undefined, undefined]);
    expect(chosenOption("2", { offered: ["身份证", "护照"] })).toBe("护照");
    expect(chosenOption("3", { offered: ["身份证", "护照"] })).toBeUndefined();
    expect(chosenOption("2", {})).toBeUndefined();
  });
});
