// Complaint intake (受理要素): before a complaint becomes a ticket, the hub makes sure a
// department can act on it — what happened and where, and since when if it has to ask
// anyway. It asks only for what is missing, in at most `maxQuestions` short turns, and
// files at once when one message says it all. A bare "我要投诉" or "太过分了" starts the
// intake; it never files an empty ticket. An urgent report (gas, fire, injury, someone
// missing) gets the emergency numbers first. Pure: the pipeline reads the state from the
// conversation's context, calls intakeTurn(), and records what it decides.
import type { IntakeRules } from "../knowledge/intake-rules.ts";
import { extractEntities } from "../language/entities/extract-entities.ts";

export type IntakeSlot = "what" | "where" | "since";

/** What the intake has gathered so far (kept in the conversation's context as JSON). */
export interface IntakeState {
  /** ISO time the intake began and last heard from the citizen. */
  startedAt: string;
  updatedAt: string;
  /** What the citizen said for this complaint, in order: the ticket's text. */
  said: string[];
  what: boolean;
  where?: string;
  since?: string;
  /** Questions asked so far. */
  asked: number;
  /** What the last question asked for: a reply that names none of it fills these. */
  awaiting: IntakeSlot[];
  /** The emergency numbers were given already. */
  urgentTold?: boolean;
}

export type IntakeDecision =
  /** Not the intake's business: answer the message as usual (a running intake stays). */
  | { type: "pass" }
  /** Ask for what is missing; the state is kept. */
  | { type: "ask"; state: IntakeState; replies: string[] }
  /** Stop without filing (cancelled, or nothing to act on after the questions). */
  | { type: "drop"; replies: string[] }
  /** File a ticket with this text; `replies` come before the filing's own reply. */
  | { type: "file"; text: string; replies: string[] };

export interface IntakeInput {
  text: string;
  /** The language pipeline took the message for a complaint. */
  isComplaint: boolean;
  now: Date;
  timeZone: string;
  /** The hotline offered when the intake ends with nothing to file. */
  hotline: string;
  /**
   * A location the citizen sent (WeChat 发送位置): its label, or its coordinates. It is the
   * complaint's place, whatever was asked; on its own it never starts an intake.
   */
  place?: string;
  /**
   * Where the channel knows the citizen is (a community group's community): the
   * complaint's place when the citizen names none, so it is not asked for.
   */
  knownPlace?: string;
}

/** How long an intake waits for the citizen before it is dropped. */
export interface IntakeTiming {
  dropAfterMs: number;
}

const HOUSE_PLACE = /(\d+|[一二三四五六七八九十]+)(号楼|栋|幢|单元|号院)|十字路口|路口|交叉口/;
const NOT_WORDS = /[^\p{Script=Han}\p{L}\p{N}]/gu;

export interface Slots {
  what: boolean;
  where?: string;
  since?: string;
  urgentReply?: string;
}

/** What one message says: something that happened, a place, a time, an emergency. */
export function readSlots(rules: IntakeRules, text: string, now: Date, timeZone: string): Slots {
  const entities = extractEntities(text, { now, timeZone });
  const placeNames = entities.places.map((p) => p.name);
  const house = HOUSE_PLACE.exec(text)?.[0];
  const where = placeNames.length > 0 ? placeNames.join("") : house;
  const sinceCue = entities.dates[0]?.text ?? rules.sinceCues.find((cue) => text.includes(cue));
  let rest = text;
  for (const name of placeNames) rest = rest.split(name).join("");
  for (const word of [...rules.intentWords].sort((a, b) => b.length - a.length)) rest = rest.split(word).join("");
  const what = rest.replace(NOT_WORDS, "").length >= rules.minWhatChars;
  const urgent = rules.urgent.find((u) => u.cues.some((cue) => text.includes(cue)));
  return {
    what,
    ...(where && { where }),
    ...(sinceCue && { since: sinceCue }),
    ...(urgent && { urgentReply: urgent.reply }),
  };
}

export function isIntakeExpired(state: IntakeState, now: Date, timing: IntakeTiming): boolean {
  return now.getTime() - new Date(state.updatedAt).getTime() > timing.dropAfterMs;
}

/** One message's effect on the intake. */
export function intakeTurn(
  rules: IntakeRules,
  current: IntakeState | undefined,
  input: IntakeInput,
  timing: IntakeTiming,
): IntakeDecision {
  const running = current && !isIntakeExpired(current, input.now, timing) ? current : undefined;
  if (!running && !input.isComplaint) return { type: "pass" };
  if (!running && input.place !== undefined) return { type: "pass" };
  const said = input.text.trim();
  if (running && rules.cancelWords.some((w) => said.replace(NOT_WORDS, "") === w)) {
    return { type: "drop", replies: [CANCELLED] };
  }
  const read = readSlots(rules, said, input.now, input.timeZone);
  const slots = input.place !== undefined ? { ...read, what: false, where: input.place } : read;
  const at = input.now.toISOString();
  const state: IntakeState = running
    ? { ...running, said: [...running.said], awaiting: [...running.awaiting], updatedAt: at }
    : { startedAt: at, updatedAt: at, said: [], what: false, asked: 0, awaiting: [] };
  const named = slots.what || slots.where !== undefined || slots.since !== undefined;
  if (running && !named && !input.isComplaint) {
    // A reply that names nothing the patterns know is the answer to what was asked.
    if (said.replace(NOT_WORDS, "").length === 0) return { type: "pass" };
    const slot = state.awaiting[0];
    if (slot === "what") state.what = true;
    else if (slot === "where") state.where = said;
    else if (slot === "since") state.since = said;
    else return { type: "pass" };
  }
  state.what ||= slots.what;
  if (slots.where !== undefined) state.where ??= slots.where;
  if (slots.since !== undefined) state.since ??= slots.since;
  if (input.knownPlace !== undefined) state.where ??= input.knownPlace;
  // The complaint's text is everything the citizen said for it; a bare "我要投诉" adds nothing.
  if (slots.what || slots.where !== undefined || slots.since !== undefined || running) state.said.push(said);

  const replies: string[] = [];
  if (slots.urgentReply && !state.urgentTold) {
    replies.push(slots.urgentReply);
    state.urgentTold = true;
  }
  if (state.what && state.where !== undefined) return { type: "file", text: state.said.join("\n"), replies };
  if (state.asked >= rules.maxQuestions) {
    return state.what
      ? { type: "file", text: state.said.join("\n"), replies }
      : { type: "drop", replies: [...replies, nothingToFile(input.hotline)] };
  }
  const missing: IntakeSlot[] = [];
  if (!state.what) missing.push("what");
  if (state.where === undefined) missing.push("where");
  if (state.since === undefined) missing.push("since");
  state.asked++;
  state.awaiting = missing;
  replies.push(question(missing, state.asked > 1));
  return { type: "ask", state, replies };
}

const CANCELLED = "好的，本次投诉登记已取消。如需反映问题，随时告诉我。";
const nothingToFile = (hotline: string) =>
  `抱歉，还没能了解到您要反映的具体问题，本次登记先取消。您可以随时再告诉我，或拨打${hotline}热线反映。`;

const ASKS: Record<IntakeSlot, string> = {
  what: "发生了什么事情",
  where: "具体在什么地方（区、街道、小区或路名，也可以发送位置）",
  since: "大概从什么时候开始的",
};

function question(missing: IntakeSlot[], again: boolean): string {
  const parts = missing.map((slot) => ASKS[slot]);
  const intro = again ? "还需要再确认一下：" : "好的，为了让责任部门尽快处理，请告诉我：";
  const list = parts.length === 1 ? `${parts[0]}？` : parts.map((p, i) => `${i + 1}. ${p}？`).join("\n");
  return `${intro}${parts.length === 1 ? "" : "\n"}${list}\n一条消息说完就可以；如不需要登记，请回复“取消”。`;
}

/** The one reminder to a citizen who went quiet in the middle of an intake. */
export function reminderText(state: IntakeState, minutesLeft: number): string {
  const missing = state.awaiting.map((slot) => ASKS[slot]).join("、");
  return (
    `您刚才要反映的问题还没有登记完成${missing ? `，还需要告诉我：${missing}` : ""}。\n` +
    `${minutesLeft} 分钟内没有回复，本次登记将自动取消，不会转给部门。`
  );
}

/** Reads a stored intake (JSON from the conversation's context); undefined when malformed. */
export function parseIntake(json: unknown): IntakeState | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const raw = json as Record<string, unknown>;
  const slots = new Set<unknown>(["what", "where", "since"]);
  if (
    typeof raw.startedAt !== "string" ||
    typeof raw.updatedAt !== "string" ||
    !Array.isArray(raw.said) ||
    !raw.said.every((s) => typeof s === "string") ||
    typeof raw.what !== "boolean" ||
    typeof raw.asked !== "number" ||
    !Array.isArray(raw.awaiting) ||
    !raw.awaiting.every((s) => slots.has(s))
  )
    return undefined;
  return {
    startedAt: raw.startedAt,
    updatedAt: raw.updatedAt,
    said: raw.said as string[],
    what: raw.what,
    asked: raw.asked,
    awaiting: raw.awaiting as IntakeSlot[],
    ...(typeof raw.where === "string" && { where: raw.where }),
    ...(typeof raw.since === "string" && { since: raw.since }),
    ...(raw.urgentTold === true && { urgentTold: true }),
  };
}
