// What the understander makes of one message: the pipeline's answer, read by the dialogue.
import type { Facet, ServiceItem } from "../../knowledge/catalog-schema.ts";

export type MessageKind =
  | "service"
  | "complaint"
  | "suggestion"
  | "praise"
  | "greeting"
  | "thanks"
  | "handoff"
  | "unknown";

/** For service questions: answer with the item, ask which of a few items is meant, or admit not knowing. */
export type Decision = "answer" | "clarify" | "fallback";

export interface Understanding {
  kind: MessageKind;
  /** 0–1: how sure the hub is of `kind` (for service questions: that `serviceItem` is right). */
  confidence: number;
  decision?: Decision;
  /** The item answered with; for a complaint chasing a pending matter (催办), the item it is about. */
  serviceItem?: ServiceItem;
  /** The items to offer when the decision is "clarify" (2–3, most likely first). */
  options?: ServiceItem[];
  /** The part of an item the question asks about (materials, fee …). */
  facet?: Facet;
  /** True when the message names no item and only makes sense about the conversation's current one. */
  followUp?: boolean;
  /** "1"/"2"/"3" (or 第二个): the citizen picks an option offered before. */
  pick?: number;
  /** A short "那护照呢": the same facet as before, asked of another item. */
  elliptical?: boolean;
  /** Complaint domain (城建, 交通 …) when one is evident. */
  domain?: string;
  /** For praise: the department it names, when it names one (praise-detector.ts). */
  department?: { code: string; name: string };
  /** The most likely items with their probabilities, for clarifying and for review. */
  candidates: { code: string; name: string; probability: number }[];
}
