// 民意洞察's wording and the small pieces its pages share: the period in the URL, Chinese
// names of sentiments, channels, kinds and alert levels, loading from the opinion API.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useEffect, useState } from "/assets/vendor/preact-hooks.mjs";
import { opinionApi } from "./api.js";
import { CHANNEL_NAMES } from "./labels.js";
import { ROOT } from "./router.js";

export const SENTIMENT_NAMES = { negative: "负面", neutral: "中性", positive: "正面" };
export const SENTIMENT_COLORS = { negative: "#b3121b", neutral: "#505050", positive: "#1e6b34" };
export const SENTIMENTS = ["negative", "neutral", "positive"];

/** Where an analysed message came from (OpinionMessage.sourceKind). */
export const SOURCE_KIND_NAMES = { message: "群众留言", ticket: "工单", rating: "评价留言", import: "导入的历史记录" };

const OPINION_CHANNEL_NAMES = { ...CHANNEL_NAMES, import: "导入", hotline: "热线" };
export const channelName = (code) => OPINION_CHANNEL_NAMES[code] ?? code ?? "—";
export const sentimentName = (code) => SENTIMENT_NAMES[code] ?? code ?? "—";
export const kindName = (code) => SOURCE_KIND_NAMES[code] ?? code ?? "—";

/** The alert levels, mildest first (the deployment may name its own; unknown ones look like 预警). */
export const LEVELS = ["关注", "预警", "严重"];
export function LevelLabel({ level }) {
  const index = LEVELS.indexOf(level);
  return html`<span class=${`level level-${index < 0 ? 1 : index}`}>${level}</span>`;
}

export function SentimentLabel({ sentiment }) {
  return html`<span class=${`sentiment sentiment-${sentiment}`}>${sentimentName(sentiment)}</span>`;
}

/** The city's day (Asia/Shanghai) of a Date, "2026-12-07". */
export function cityDay(d) {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The period of the URL (?from=&to=, days), by default the last 7 days up to today. */
export function periodOf(query) {
  const valid = (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);
  const today = cityDay(new Date());
  const weekAgo = cityDay(new Date(Date.now() - 6 * 86_400_000));
  const from = valid(query.from) ? query.from : weekAgo;
  const to = valid(query.to) ? query.to : today;
  return to < from ? { from: to, to: from } : { from, to };
}

/** A path under 民意洞察 with the period (and other set values) in its query. */
export function opinionHref(view, params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, value);
  const text = search.toString();
  return `${ROOT}opinion${view ? `/${view}` : ""}${text ? `?${text}` : ""}`;
}

/** The API's counts per value ([{value, total, negative, neutral, positive}]) as bar rows, largest first. */
export function countsOf(list) {
  return (list ?? [])
    .map((c) => ({ key: c.value, count: c.total, negative: c.negative }))
    .sort((x, y) => y.count - x.count);
}

/** A place as the API gives it: a name, or {name, code, level}. */
export function placeName(place) {
  if (!place) return "—";
  if (typeof place === "string") return place;
  return place.name ?? place.label ?? place.code ?? "—";
}
export function placeCode(place) {
  return typeof place === "string" ? place : (place?.code ?? place?.name);
}

const LEVEL_NAMES = { district: "区县", street: "街道/镇", community: "社区/村", road: "道路", landmark: "地点" };
export const placeLevelName = (level) => LEVEL_NAMES[level] ?? level ?? "";

/** An alert's expected count: one decimal below 10 (1.5), whole above. */
export const expectedText = (expected) => {
  const value = Number(expected ?? 0);
  return value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
};

export const percent = (share) =>
  share === null || share === undefined || Number.isNaN(Number(share)) ? "—" : `${Math.round(Number(share) * 100)}%`;

/**
 * A topic's change in words. The API's growth compares its last 24 hours (up to its last
 * message) with the 24 hours before: (recent − previous) / max(previous, 1). A topic younger
 * than a day had nothing before, so its growth is its count: it is 新出现 instead.
 */
export function growthText(topic) {
  const age = Date.parse(topic.lastAt) - Date.parse(topic.firstAt);
  if (Number.isFinite(age) && age < 86_400_000) return "新出现";
  const value = Number(topic.growth);
  if (!Number.isFinite(value)) return "—";
  const rounded = Math.round(value * 100);
  if (rounded === 0) return "持平";
  return rounded > 0 ? `增长 ${rounded}%` : `减少 ${-rounded}%`;
}

/** "2026-12-07T08:00:00Z" → the city's "12-07 16:00" (hour buckets), "12-07" (days), "12-07 周" (weeks). */
export function bucketLabel(start, bucket) {
  const local = new Date(new Date(start).getTime() + 8 * 3600_000).toISOString();
  if (bucket === "hour") return `${local.slice(5, 10)} ${local.slice(11, 16)}`;
  if (bucket === "week") return `${local.slice(5, 10)} 起`;
  return local.slice(5, 10);
}

/** What a failed request says here: a refusal is worded for this page. */
export function opinionError(failure) {
  // The server words its refusal itself (shown as it is); this is for one without words.
  const worded = /[\u4e00-\u9fff]/.test(failure?.body?.message ?? "");
  if (failure?.status === 403 && !worded)
    return "民意洞察仅向舆情分析员、督办员和系统管理员开放。如需查看，请联系系统管理员。";
  return failure?.message ?? "加载失败，请稍后再试。";
}

/** GET from the opinion API; a failure carries this page's wording. */
export async function opinionGet(path) {
  try {
    return await opinionApi(path);
  } catch (failure) {
    failure.message = opinionError(failure);
    throw failure;
  }
}

/** Loads `path` from the opinion API when it changes: {data (null while loading or after a failure), error}. */
export function useOpinionData(path) {
  const [state, setState] = useState({ data: null, error: "" });
  useEffect(() => {
    let live = true;
    setState({ data: null, error: "" });
    opinionGet(path).then(
      (data) => live && setState({ data, error: "" }),
      (failure) => live && failure.status !== 401 && setState({ data: null, error: failure.message }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return state;
}

/** Ticket numbers as links to the ticket page. */
export function TicketLinks({ numbers }) {
  if (!numbers?.length) return "—";
  return html`<span class="ticket-links">${numbers.map(
    (n) => html`<a key=${n} href=${`${ROOT}tickets/${encodeURIComponent(n)}`}>${n}</a>`,
  )}</span>`;
}
