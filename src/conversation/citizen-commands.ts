// What a citizen can say about their tickets in chat, recognized before language
// understanding:
//   查询工单 GD20261122-000123 / 工单进度 GD… / GD…      → that ticket's status
//   查询工单 / 我的工单                                  → their latest tickets
//   补充 GD…：楼号是3栋 / 补充：楼号是3栋                 → added to that (or their latest open) ticket
//   重新办理 GD…：路灯还是不亮 / 申诉 GD…                → disputes a resolved ticket (within N days)
//   5 … 1, 非常满意 … 非常不满意 (+ optional comment)     → rates the ticket awaiting a rating
import { RATING_LABELS } from "../tickets/rating.ts";

export type CitizenCommand =
  | { kind: "query"; number?: string }
  | { kind: "supplement"; number?: string; text: string }
  | { kind: "dispute"; number?: string; reason?: string }
  /** byWord: said in words (unambiguous); a bare digit may also answer another question. */
  | { kind: "rating"; rating: number; comment?: string; byWord: boolean };

const NUMBER = "(GD\\d{8}-\\d{6,})";
const SEP = "[\\s:：,，、]*";

const QUERY_BARE = new RegExp(`^${NUMBER}$`);
const QUERY = new RegExp(
  `^(?:查询|查|查看|查一下|我要查询?)?(?:我的)?工单(?:进度|状态|查询|进展)?${SEP}${NUMBER}?[\\s。？?！!]*$`,
);
const QUERY_NUMBER_FIRST = new RegExp(
  `^(?:查询|查|查看)${SEP}${NUMBER}[\\s。？?]*(?:的?(?:进度|状态|进展))?[\\s。？?]*$`,
);
const SUPPLEMENT = new RegExp(`^补充(?:材料|说明|情况|信息)?${SEP}${NUMBER}?${SEP}([\\s\\S]+)$`);
const DISPUTE = new RegExp(`^(?:重新办理|重办|申诉|要求重新(?:办理|处理))${SEP}${NUMBER}?${SEP}([\\s\\S]*)$`);
const RATING_DIGIT = /^([1-5])\s*(?:分|星)?(?:[\s,，。.:：、!！]+([\s\S]+))?$/;
// Longest first, so 非常不满意 is not read as 不满意 or 满意.
const WORDS = Object.entries(RATING_LABELS).sort(([, a], [, b]) => b.length - a.length);
const RATING_WORD = new RegExp(`^(${WORDS.map(([, w]) => w).join("|")})(?:[\\s,，。.:：、!！]+([\\s\\S]+))?[。!！]?$`);

export function parseCitizenCommand(input: string): CitizenCommand | undefined {
  // Full-width letters, digits and colons become half-width (ＧＤ２０２６… → GD2026…).
  const text = input
    .normalize("NFKC")
    .trim()
    .replace(/^gd/i, "GD")
    .replace(/(\s)gd(\d)/gi, "$1GD$2");
  let m: RegExpExecArray | null;
  if ((m = QUERY_BARE.exec(text)) || (m = QUERY.exec(text)) || (m = QUERY_NUMBER_FIRST.exec(text))) {
    return { kind: "query", ...(m[1] && { number: m[1] }) };
  }
  if ((m = SUPPLEMENT.exec(text))) {
    const body = m[2]!.trim();
    if (body) return { kind: "supplement", ...(m[1] && { number: m[1] }), text: body };
  }
  if ((m = DISPUTE.exec(text))) {
    const reason = m[2]!.trim();
    return { kind: "dispute", ...(m[1] && { number: m[1] }), ...(reason && { reason }) };
  }
  if ((m = RATING_DIGIT.exec(text))) return rating(Number(m[1]), m[2], false);
  if ((m = RATING_WORD.exec(text))) {
    const value = Number(WORDS.find(([, w]) => w === m![1])![0]);
    return rating(value, m[2], true);
  }
  return undefined;
}

function rating(value: number, comment: string | undefined, byWord: boolean): CitizenCommand {
  const trimmed = comment?.trim();
  return { kind: "rating", rating: value, byWord, ...(trimmed && { comment: trimmed }) };
}
