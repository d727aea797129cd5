// The dialogue policy: what to say to a message, given what it means on its own
// (the Understander's reading) and what the conversation remembers (its context).
// Pure: the pipeline reads the context, calls respond(), and records the turn.
import type { Facet, ServiceItem } from "../knowledge/catalog-schema.ts";
import type { Understanding } from "../language/understander.ts";
import type { ConversationContext, DialogueState } from "./conversation-context.ts";
import type { ConversationOutcome, Reply } from "../messages/messages.ts";
import * as say from "./reply-text.ts";

export interface Turn {
  replies: Reply[];
  understanding: ConversationOutcome["understanding"];
  /** The context to store after this message; undefined leaves it as it is. */
  context?: DialogueState;
  /** The hub could not answer: log the question for catalog editors. */
  unanswered?: boolean;
}

export interface DialogueOptions {
  hotline: string;
  /** The current catalog's item with this code. */
  item(code: string): ServiceItem | undefined;
}

/** Whether respond() needs the stored context for this message (otherwise it is not read). */
export function needsContext(u: Understanding): boolean {
  return u.pick !== undefined || u.followUp === true || u.elliptical === true || u.decision === "fallback";
}

const ref = (item: ServiceItem) => ({ code: item.code, name: item.name });
const text = (body: string, quickReplies?: Reply["quickReplies"]): Reply =>
  quickReplies ? { type: "text", text: body, quickReplies } : { type: "text", text: body };

function answer(item: ServiceItem, facet: Facet | undefined, confidence: number, offerGuide: boolean): Turn {
  const understanding = { kind: "service" as const, confidence, decision: "answer" as const, serviceItem: ref(item) };
  if (!facet || facet === "guide")
    return { replies: [say.guideReply(item)], understanding, context: { item: item.code } };
  const body = offerGuide ? `${say.facetAnswer(item, facet)}\n\n${say.offerGuide()}` : say.facetAnswer(item, facet);
  const quick = offerGuide ? [{ label: "查看完整办事指南", text: say.GUIDE_REQUEST }] : undefined;
  return {
    replies: [text(body, quick)],
    understanding: { ...understanding, facet },
    context: { item: item.code, facet },
  };
}

function clarify(options: ServiceItem[], facet: Facet | undefined, confidence: number): Turn {
  return {
    replies: [
      text(
        say.clarify(options),
        options.map((item, i) => ({ label: `${i + 1}. ${item.name}`, text: String(i + 1) })),
      ),
    ],
    understanding: {
      kind: "service",
      confidence,
      decision: "clarify",
      options: options.map(ref),
      ...(facet && { facet }),
    },
    context: { options: options.map((o) => o.code), ...(facet && { optionsFacet: facet }) },
  };
}

export function respond(u: Understanding, stored: ConversationContext | undefined, options: DialogueOptions): Turn {
  const context = stored ?? {};
  const current = context.item ? options.item(context.item) : undefined;

  if (u.pick !== undefined) {
    const offered = (context.options ?? [])
      .map((code) => options.item(code))
      .filter((i): i is ServiceItem => i !== undefined);
    if (offered.length === 0) {
      return {
        replies: [text(say.nothingToPick())],
        understanding: { kind: "unknown", confidence: 1, decision: "fallback" },
      };
    }
    const picked = offered[u.pick - 1];
    if (!picked) {
      const turn = clarify(offered, context.optionsFacet, 1);
      return {
        ...turn,
        replies: [text(say.pickOutOfRange(offered.length), turn.replies[0]!.quickReplies)],
        context: undefined,
      };
    }
    return answer(picked, context.optionsFacet, 1, true);
  }

  if (u.followUp && u.facet) {
    if (current) return answer(current, u.facet, 1, false);
    return {
      replies: [text(say.askWhichItem(u.facet))],
      understanding: { kind: "service", confidence: u.confidence, decision: "clarify", facet: u.facet },
    };
  }

  switch (u.kind) {
    case "greeting":
      return { replies: [text(say.greeting())], understanding: { kind: "greeting", confidence: u.confidence } };
    case "thanks":
      return { replies: [text(say.thanks())], understanding: { kind: "thanks", confidence: u.confidence } };
    case "handoff":
      return {
        replies: [text(say.handoff(options.hotline))],
        understanding: { kind: "handoff", confidence: u.confidence },
      };
    default:
      break;
  }

  if (u.decision === "answer" && u.serviceItem) {
    // "那护照呢" after "身份证补办多少钱": the same question about another item.
    if (u.elliptical && !u.facet && context.facet) return answer(u.serviceItem, context.facet, u.confidence, false);
    return answer(u.serviceItem, u.facet, u.confidence, true);
  }
  if (u.decision === "clarify" && u.options && u.options.length > 0) return clarify(u.options, u.facet, u.confidence);

  // Honest fallback: the hotline and a human, and the question goes to the catalog editors.
  // A pending question is dropped; the item under discussion stays (when it was read).
  const cleared = stored
    ? { ...(context.item && { item: context.item }), ...(context.facet && { facet: context.facet }) }
    : undefined;
  return {
    replies: [text(say.notUnderstood(options.hotline), [{ label: "转人工服务", text: "人工" }])],
    understanding: { kind: "unknown", confidence: u.confidence, decision: "fallback" },
    context: cleared,
    // Empty or punctuation-only messages are not questions anyone could have answered.
    unanswered: u.decision === "fallback",
  };
}
