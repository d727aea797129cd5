// The daily or weekly briefing (舆情日报 / 周报) as one printable HTML page: the seven sections
// 概览, 趋势, 热点话题, 区域分布, 负面与风险, 新出现的诉求, 建议关注, charts as inline SVG, every
// figure a link to the page listing the messages behind it. Pure: facts in, HTML out, every
// text escaped (message samples are stored masked).
import { localDateTime } from "../read/local-time.ts";
import type { BriefingFacts } from "../read/briefing-facts.ts";
import type { NamedPlace } from "../read/place-directory.ts";
import type { BriefingPeriod } from "./briefing-period.ts";
import { barsSvg, sentimentTrendSvg } from "./briefing-charts.ts";
import { briefingLinks as links } from "./briefing-links.ts";
import { briefingAdvice } from "./briefing-advice.ts";

export const BRIEFING_SECTIONS = [
  "概览",
  "趋势",
  "热点话题",
  "区域分布",
  "负面与风险",
  "新出现的诉求",
  "建议关注",
] as const;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const e = escapeHtml;
const a = (href: string, text: string | number) => `<a href="${e(href)}">${e(String(text))}</a>`;
const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** "+12.5%" / "−3%" / "新增" against the previous period. */
function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? "持平" : "新增";
  const c = (now - before) / before;
  return `${c >= 0 ? "+" : "−"}${Math.round(Math.abs(c) * 1000) / 10}%`;
}

export interface BriefingContext {
  period: BriefingPeriod;
  timeZone: string;
  placeOf: (code: string) => NamedPlace;
  generatedAt: Date;
}

export function briefingHtml(facts: BriefingFacts, ctx: BriefingContext): string {
  const { period, timeZone } = ctx;
  const title =
    period.kind === "daily"
      ? `民意舆情日报（${period.name}）`
      : `民意舆情周报（${period.name}，${period.firstDay} 至 ${period.lastDay}）`;
  const unit = period.kind === "daily" ? "前一日" : "上周";
  const t = facts.totals;
  const placeNames = (codes: string[]) => codes.map((c) => ctx.placeOf(c).name).join("、") || "—";

  const overview = `
    <p>本期共收到群众诉求与留言 ${a(links.overview(period), t.total)} 条，较${unit}（${facts.previousTotals.total} 条）${change(t.total, facts.previousTotals.total)}；
    其中负面 ${t.negative} 条（${percent(share(t.negative, t.total))}），中性 ${t.neutral} 条，正面 ${t.positive} 条。</p>
    <table><thead><tr><th>渠道</th><th>条数</th><th>负面占比</th></tr></thead><tbody>
    ${facts.byChannel.map((c) => `<tr><td>${e(c.value)}</td><td>${a(links.overview(period), c.total)}</td><td>${percent(share(c.negative, c.total))}</td></tr>`).join("") || `<tr><td colspan="3">本期暂无数据</td></tr>`}
    </tbody></table>
    ${facts.byDomain.length > 0 ? `<p>主要领域：${facts.byDomain.map((d) => `${e(d.value)} ${a(links.trends(period, "day", "domain"), d.total)} 条`).join("；")}。</p>` : ""}`;

  const labels: string[] = [];
  const bySentiment = { negative: [] as number[], neutral: [] as number[], positive: [] as number[] };
  const points = new Map<number, Record<string, number>>();
  for (const s of facts.trend)
    for (const p of s.points) {
      const at = p.start.getTime();
      points.set(at, { ...(points.get(at) ?? {}), [s.value]: p.total });
    }
  for (const [at, counts] of [...points].sort((x, y) => x[0] - y[0])) {
    labels.push(
      facts.bucket === "hour"
        ? localDateTime(new Date(at), timeZone).slice(11)
        : localDateTime(new Date(at), timeZone).slice(5, 10),
    );
    bySentiment.negative.push(counts.negative ?? 0);
    bySentiment.neutral.push(counts.neutral ?? 0);
    bySentiment.positive.push(counts.positive ?? 0);
  }
  const trend = `
    <figure>${sentimentTrendSvg({ labels, ...bySentiment })}
    <figcaption>${facts.bucket === "hour" ? "每小时" : "每日"}诉求量（按情感）。${a(links.trends(period, facts.bucket), "查看明细")}</figcaption></figure>`;

  const topicRows = (topics: BriefingFacts["topics"]) =>
    topics
      .map(
        (tp) => `<tr><td>${a(links.topic(tp.id), tp.label)}</td><td>${a(links.topic(tp.id), tp.messageCount)}</td>
        <td>${percent(tp.negativeShare)}</td><td>${tp.growth >= 0 ? "+" : ""}${Math.round(tp.growth * 100)}%</td>
        <td>${e(placeNames(tp.places))}</td><td>${e(localDateTime(tp.firstAt, timeZone))}</td>
        <td>${tp.ticketCount}</td></tr>`,
      )
      .join("");
  const topicTable = (topics: BriefingFacts["topics"]) =>
    topics.length === 0
      ? "<p>本期暂无。</p>"
      : `<table><thead><tr><th>话题</th><th>消息数</th><th>负面占比</th><th>近24小时增长</th><th>地点</th><th>首次出现</th><th>关联工单</th></tr></thead><tbody>${topicRows(topics)}</tbody></table>`;
  const hotTopics = `${topicTable(facts.topics)}
    ${facts.topics.length > 0 ? `<figure>${barsSvg(facts.topics.map((tp) => ({ name: tp.label.slice(0, 14), value: tp.messageCount })))}<figcaption>热点话题消息数。${a(links.topics(period), "查看全部话题")}</figcaption></figure>` : ""}`;

  const places =
    facts.places.length === 0
      ? "<p>本期暂无涉及具体地点的诉求。</p>"
      : `<table><thead><tr><th>地点</th><th>所属区</th><th>条数</th><th>负面占比</th></tr></thead><tbody>
      ${facts.places.map((p) => `<tr><td>${e(p.name)}</td><td>${e(p.district ?? "—")}</td><td>${a(links.topics(period, { place: p.code }), p.total)}</td><td>${percent(p.negativeShare)}</td></tr>`).join("")}
      </tbody></table>
      <figure>${barsSvg(facts.places.map((p) => ({ name: p.name, value: p.total })))}<figcaption>诉求最多的地点。${a(links.places(period), "查看区域分布")}</figcaption></figure>`;

  const risk = `
    <p>负面诉求 ${a(links.trends(period, facts.bucket), t.negative)} 条，占 ${percent(share(t.negative, t.total))}，${unit}为 ${facts.previousTotals.negative} 条（${change(t.negative, facts.previousTotals.negative)}）。</p>
    ${
      facts.alerts.length === 0
        ? "<p>本期未触发预警。</p>"
        : `<table><thead><tr><th>级别</th><th>预警</th><th>消息数 / 预期</th><th>涉及地点</th><th>发现时间</th><th>状态</th></tr></thead><tbody>
        ${facts.alerts.map((al) => `<tr class="level-${e(al.level)}"><td>${e(al.level)}</td><td>${a(links.alert(al.id), al.label)}</td><td>${a(links.alert(al.id), al.messageCount)} / ${Math.round(al.expected * 10) / 10}</td><td>${e(placeNames(al.places))}</td><td>${e(localDateTime(al.detectedAt, timeZone))}</td><td>${al.status === "open" ? "进行中" : "已结束"}</td></tr>`).join("")}
        </tbody></table>
        ${facts.alerts.some((al) => al.samples.length > 0) ? `<p>典型留言（已脱敏）：</p><ul>${facts.alerts.flatMap((al) => al.samples.slice(0, 1).map((s) => `<li>${e(s.text)}（${a(links.alert(al.id), "来源")}）</li>`)).join("")}</ul>` : ""}
        <p>${a(links.alerts(period), "查看全部预警")}</p>`
    }`;

  const emerging = `
    ${topicTable(facts.newTopics)}
    ${facts.risingKeywords.length > 0 ? `<p>上升最快的关键词：${facts.risingKeywords.map((k) => `${a(links.topics(period, { keyword: k.keyword }), k.keyword)}（${k.total} 条，${unit} ${k.previous} 条）`).join("；")}。</p>` : ""}`;

  const advice = briefingAdvice(facts, ctx.placeOf, period);
  const suggestions =
    advice.length === 0
      ? "<p>本期未发现需要特别关注的事项。</p>"
      : `<ol>${advice.map((s) => `<li>${e(s.text)}${s.href ? `（${a(s.href, "详情")}）` : ""}</li>`).join("")}</ol>`;

  const sections = [overview, trend, hotTopics, places, risk, emerging, suggestions];
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>
body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;color:#222;max-width:780px;margin:24px auto;padding:0 16px;line-height:1.6}
h1{font-size:22px;border-bottom:2px solid #b22;padding-bottom:6px}h2{font-size:17px;margin-top:28px;border-left:4px solid #b22;padding-left:8px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left}th{background:#f3f3f3}
a{color:#1a4d8f;text-decoration:none}figure{margin:8px 0}figcaption{font-size:12px;color:#555}.meta{color:#666;font-size:12px}
tr.level-严重 td:first-child{color:#b00;font-weight:bold}tr.level-预警 td:first-child{color:#c60}
@media print{body{margin:0;max-width:none}a{color:inherit}h2{break-after:avoid}figure,table,tr{break-inside:avoid}@page{size:A4;margin:16mm}}
</style></head><body>
<h1>${e(title)}</h1>
<p class="meta">统计时段：${e(localDateTime(period.from, timeZone))} 至 ${e(localDateTime(period.to, timeZone))}（${e(timeZone)}）；生成时间：${e(localDateTime(ctx.generatedAt, timeZone))}。留言内容已脱敏。</p>
${BRIEFING_SECTIONS.map((name, i) => `<section><h2>${i + 1}. ${name}</h2>${sections[i]}</section>`).join("\n")}
</body></html>`;
}
