// What a duty officer reads on WeChat when an alert changes: a template message in short,
// polite Chinese — 级别, 话题, 地点, 条数与通常条数, 首次出现 — with a link to the alert in the
// workbench. No citizen's words: the samples stay in the workbench, and the label (built from
// masked text) is masked once more, so no personal number can reach a phone's lock screen.
import { describeInstant } from "../calendar/service-hours.ts";
import type { AlertTemplateKeys } from "../config.ts";
import type { Region } from "../knowledge/gazetteer-schema.ts";
import type { TemplateMessage } from "../outbound/template-message-sender.ts";
import { maskText } from "../privacy/mask.ts";
import type { DeliveredChange } from "./alert-changes.ts";

/** The alert as stored, as far as the notice needs it. */
export interface NoticeAlert {
  id: string;
  level: string;
  label: string;
  places: string[];
  messageCount: number;
  expected: number;
  firstAt: Date;
}

export interface DutyOfficerTemplate {
  templateId: string;
  keys: AlertTemplateKeys;
}

export interface NoticeContext {
  timeZone: string;
  /** The workbench's public address (WORKBENCH_PUBLIC_URL); undefined: no link. */
  workbenchUrl: string | undefined;
  /** The gazetteer of the current knowledge snapshot (codes to names). */
  regions: readonly Region[];
}

/** Short enough for WeChat's shortest text fields (thing: 20 characters). */
const FIELD_CHARS = 20;
const MAX_PLACES = 3;

const TITLES: Record<DeliveredChange, (level: string) => string> = {
  opened: () => "您好，民意洞察发现一起消息激增，请及时关注。",
  raised: (level) => `您好，一起民意预警已升至“${level}”，请及时关注。`,
  closed: () => "您好，一起民意预警已平息并解除，特此告知。",
};

/** The alerts page of the workbench, with this alert in view. */
export function alertLink(workbenchUrl: string, alertId: string): string {
  return `${workbenchUrl}/workbench/opinion/alerts/${encodeURIComponent(alertId)}`;
}

/** The template message for one recipient of one alert change. */
export function dutyOfficerNotice(
  touser: string,
  change: DeliveredChange,
  level: string,
  alert: NoticeAlert,
  template: DutyOfficerTemplate,
  context: NoticeContext,
): TemplateMessage {
  const fields = {
    title: TITLES[change](level),
    level: change === "closed" ? `${level}（已解除）` : level,
    topic: shorten(maskText(alert.label)),
    place: shorten(placeNames(alert.places, context.regions)),
    count: `${alert.messageCount}条（通常约${roundCount(alert.expected)}条）`,
    firstSeen: describeInstant(alert.firstAt, context.timeZone),
    remark: context.workbenchUrl
      ? "详情请点击查看，感谢您的辛勤工作。"
      : "详情请登录工作台“民意洞察 · 预警”查看，感谢您的辛勤工作。",
  };
  const data: Record<string, string> = {};
  for (const [field, value] of Object.entries(fields)) {
    const key = template.keys[field as keyof typeof fields];
    if (key) data[key] = value;
  }
  return {
    touser,
    templateId: template.templateId,
    ...(context.workbenchUrl ? { url: alertLink(context.workbenchUrl, alert.id) } : {}),
    data,
  };
}

/** The first places' names, most named first (as stored); unknown codes are left out. */
function placeNames(codes: readonly string[], regions: readonly Region[]): string {
  const names = codes
    .map((code) => regions.find((r) => r.code === code)?.name)
    .filter((name): name is string => name !== undefined)
    .slice(0, MAX_PLACES);
  return names.length > 0 ? names.join("、") : "未指明";
}

function roundCount(expected: number): string {
  return expected >= 10 ? String(Math.round(expected)) : String(Math.round(expected * 10) / 10);
}

function shorten(value: string): string {
  return value.length > FIELD_CHARS ? `${value.slice(0, FIELD_CHARS - 1)}…` : value;
}
