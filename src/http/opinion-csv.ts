// The opinion hub's CSV downloads (topics, a topic's messages), in the style of the KPI
// export: Chinese headers, a UTF-8 BOM for Excel, fields quoted and formula-safe, local times.
import { csvField } from "../cases/kpi-export.ts";
import { localDateTime } from "../opinion/read/local-time.ts";
import type { OpinionMessageView, TopicView } from "../opinion/read/opinion-topics.ts";
import type { PlaceDirectory } from "../opinion/read/place-directory.ts";

const SENTIMENT_NAMES: Record<string, string> = { negative: "负面", neutral: "中性", positive: "正面" };

function csv(headers: readonly string[], rows: readonly (string | number)[][]): string {
  const lines = [headers.join(","), ...rows.map((row) => row.map((cell) => csvField(String(cell))).join(","))];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export function topicsCsv(topics: readonly TopicView[], places: PlaceDirectory, timeZone: string): string {
  return csv(
    ["话题编号", "话题", "关键词", "消息数", "负面占比", "增长", "地点", "首次出现", "最近出现", "关联工单"],
    topics.map((t) => [
      t.id,
      t.label,
      t.keywords.join("、"),
      t.messageCount,
      `${Math.round(t.negativeShare * 1000) / 10}%`,
      t.growth,
      t.places.map((code) => places.named(code).name).join("、"),
      localDateTime(t.firstAt, timeZone),
      localDateTime(t.lastAt, timeZone),
      t.ticketNumbers.join(" "),
    ]),
  );
}

export function messagesCsv(messages: readonly OpinionMessageView[], timeZone: string): string {
  return csv(
    ["消息编号", "外部编号", "时间", "渠道", "情感", "内容（已脱敏）"],
    messages.map((m) => [
      m.id,
      m.externalId ?? "",
      localDateTime(m.time, timeZone),
      m.channel,
      SENTIMENT_NAMES[m.sentiment] ?? m.sentiment,
      m.text,
    ]),
  );
}
