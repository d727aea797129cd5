// The last step for service questions: answer with the best item, ask which of a few is
// meant, or admit not knowing, from the matcher's calibrated probabilities. Only items
// the question is about (it names their head concept's object: head-concepts.ts) are
// answered or offered: a clarifying question never offers an item that shares nothing
// but a word with the question. And when the most probable item is the only one whose
// head concept the question names in full (驾照 + 到期, while 补证 has only 驾照), that is
// strong evidence: it is answered with the accuracy such evidence had on the catalog's
// held-out questions (ServiceMatcher.soleHead) as its confidence, if that is higher.
import type { Component, Message } from "./component.ts";
import type { FacetReading } from "./component.ts";
import type { ServiceCandidate } from "./component.ts";
import { HeadLevel, hasActions } from "./head-concepts.ts";
import type { Understanding } from "./understanding.ts";

export interface DecisionThresholds {
  /** Probability the best item needs before the hub answers with it. */
  answer: number;
  /** Below this, the hub falls back (does not know); between the two, it asks. */
  clarify: number;
  /** An option is offered when its probability reaches this share of the best one's. */
  option: number;
  /** The best item is not answered outright when the runner-up reaches this share of its probability (社保卡: 申领 or 补换?). */
  ambiguity: number;
  /**
   * Nor when the runner-up explains every meaningful word the best one does (nothing in
   * the question tells them apart: "公积金怎么提取") and reaches this share of its probability.
   */
  indistinct: number;
}

export const DEFAULT_THRESHOLDS: DecisionThresholds = {
  answer: 0.6,
  clarify: 0.12,
  option: 0.15,
  ambiguity: 0.5,
  indistinct: 0.2,
};

// "那护照呢？", "港澳通行证呢": short, ending in 呢.
const ELLIPSIS = /^.{1,12}呢[\s\p{P}]*$/u;

export class ServiceDecider implements Component {
  constructor(
    private readonly thresholds: DecisionThresholds = DEFAULT_THRESHOLDS,
    /** How often an answer on strong head evidence was right (0: never answer on it alone). */
    private readonly strongEvidence = 0,
  ) {}

  process(message: Message): void {
    const { facet } = message;
    const { text } = message.analyzed!;
    const understanding = this.decide(message.candidates!, facet);
    if (!facet && text.includes("呢") && ELLIPSIS.test(text)) understanding.elliptical = true;
    message.understanding = understanding;
  }

  private decide(all: ServiceCandidate[], facet: FacetReading | undefined): Understanding {
    const listed = all.map((c) => ({ code: c.item.code, name: c.item.name, probability: round(c.probability) }));
    const candidates = all.filter((c) => c.head >= HeadLevel.object);
    const top = candidates[0];
    const p = top?.probability ?? 0;

    // "多少钱" alone names no item: whatever the matcher guesses, it is about the current one.
    if (facet?.alone) return withFacet({ kind: "service", confidence: round(p), decision: "fallback" }, facet, listed);

    const second = candidates[1];
    const runnerUp = second?.probability ?? 0;
    const indistinct = top !== undefined && second !== undefined && (second.explains & top.explains) === top.explains;
    const rivalled = runnerUp >= p * (indistinct ? this.thresholds.indistinct : this.thresholds.ambiguity);
    if (top && p >= this.thresholds.answer && !rivalled) {
      return withFacet(
        { kind: "service", confidence: round(p), decision: "answer", serviceItem: top.item },
        facet,
        listed,
      );
    }
    if (top && p >= this.thresholds.clarify && this.strongEvidence > 0 && soleFullHead(top, candidates)) {
      return withFacet(
        {
          kind: "service",
          confidence: round(Math.max(p, this.strongEvidence)),
          decision: "answer",
          serviceItem: top.item,
        },
        facet,
        listed,
      );
    }
    if (top && p >= this.thresholds.clarify) {
      const options = candidates.filter((c) => c.probability >= p * this.thresholds.option).slice(0, 3);
      // One plausible item is still a question worth asking; the runner-up makes it a choice.
      if (options.length === 1 && candidates[1]) options.push(candidates[1]);
      return withFacet(
        { kind: "service", confidence: round(p), decision: "clarify", options: options.map((c) => c.item) },
        facet,
        listed,
      );
    }

    return withFacet({ kind: "unknown", confidence: round(1 - p), decision: "fallback" }, facet, listed);
  }
}

/**
 * The best candidate is the only one whose head concept the question names in full, and
 * naming it takes an action as well as the object (hasActions).
 */
function soleFullHead(top: ServiceCandidate, candidates: ServiceCandidate[]): boolean {
  if (top.head !== HeadLevel.full || !hasActions(top.item)) return false;
  for (const c of candidates) if (c !== top && c.head === HeadLevel.full) return false;
  return true;
}

/**
 * Completes an understanding with the facet's fields, then the candidates (the order
 * its keys have always had), by assignment: with object spread, deciding took ~0.19 µs
 * a message, without it ~0.08 µs.
 */
function withFacet(
  partial: Omit<Understanding, "candidates">,
  facet: FacetReading | undefined,
  candidates: Understanding["candidates"],
): Understanding {
  const understanding = partial as Understanding;
  if (facet) {
    understanding.facet = facet.facet;
    if (facet.alone) understanding.followUp = true;
  }
  understanding.candidates = candidates;
  return understanding;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
