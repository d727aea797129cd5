// 民意洞察 · 趋势 (counts per hour, day or week by sentiment, domain, place or channel, as a
// chart with its table), 区域 (the places named, a table) and 预警 (the alerts of the period,
// with their level, count against the usual, first seen, detected, samples and topic).
import { html } from "/assets/vendor/htm-preact.mjs";
import { useEffect } from "/assets/vendor/preact-hooks.mjs";
import { query } from "../api.js";
import { Chart } from "../chart.js";
import { Field, Loading, Message } from "../components.js";
import { formatTime } from "../labels.js";
import {
  bucketLabel,
  channelName,
  expectedText,
  LevelLabel,
  opinionHref,
  percent,
  placeCode,
  placeLevelName,
  placeName,
  SENTIMENT_COLORS,
  sentimentName,
  TicketLinks,
  useOpinionData,
} from "../opinion-data.js";
import { navigate } from "../router.js";

const BUCKETS = [
  ["hour", "小时"],
  ["day", "天"],
  ["week", "周"],
];
const BY = [
  ["sentiment", "情感"],
  ["domain", "领域"],
  ["place", "区域"],
  ["channel", "渠道"],
];
/** Lines drawn at most: the values with the most messages over the period. */
const MAX_SERIES = 6;

/** Every bucket's first instant (ms) in the period: the city's hours, days or weeks (Mondays). */
function bucketStarts(period, bucket) {
  const starts = [];
  const first = Date.parse(`${period.from}T00:00:00+08:00`);
  const end = Date.parse(`${period.to}T00:00:00+08:00`) + 86_400_000;
  const step = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 }[bucket];
  let at = first;
  if (bucket === "week") at -= ((new Date(first + 8 * 3_600_000).getUTCDay() + 6) % 7) * 86_400_000; // back to Monday
  for (; at < end; at += step) starts.push(at);
  return starts;
}

/**
 * The trend ({series: [{value, name?, points: [{start, total}]}]}) over every bucket of the
 * period, those without messages as 0: {starts, series: [{key, name, values}]}.
 */
function trendOf(data, by, period, bucket) {
  const starts = bucketStarts(period, bucket);
  const nameOf = (s) =>
    s.name ?? (by === "sentiment" ? sentimentName(s.value) : by === "channel" ? channelName(s.value) : s.value);
  const series = (data.series ?? []).map((s) => {
    const counts = new Map(s.points.map((p) => [Date.parse(p.start), p.total]));
    return { key: s.value, name: nameOf(s), values: starts.map((t) => counts.get(t) ?? 0) };
  });
  return { starts: starts.map((t) => new Date(t).toISOString()), series };
}

export function TrendsPage({ period, route }) {
  const bucket = BUCKETS.some(([b]) => b === route.query.bucket) ? route.query.bucket : "day";
  const by = BY.some(([b]) => b === route.query.by) ? route.query.by : "sentiment";
  const { data, error } = useOpinionData(`/trends${query({ ...period, bucket, by, limit: MAX_SERIES })}`);
  const change = (event) => {
    const form = event.currentTarget.form;
    navigate(opinionHref("trends", { ...period, bucket: form.bucket.value, by: form.by.value }), { replace: true });
  };
  let chart = null;
  if (data) {
    const { starts, series } = trendOf(data, by, period, bucket);
    const total = (s) => s.values.reduce((a, v) => a + v, 0);
    const shown = [...series].sort((a, b) => total(b) - total(a));
    if (by === "sentiment") for (const s of shown) s.color = SENTIMENT_COLORS[s.key];
    const byName = BY.find(([b]) => b === by)[1];
    chart =
      shown.length === 0
        ? html`<p class="empty">该期间没有消息。</p>`
        : html`<${Chart} type="line" title=${`按${byName}的消息数（每${BUCKETS.find(([b]) => b === bucket)[1]}）`}
            categories=${starts.map((s) => bucketLabel(s, bucket))} series=${shown} height=${300} />`;
  }
  return html`<div>
    <form class="search trend-pickers" aria-label="趋势选项" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label="时间粒度" id="trend-bucket">
        <select id="trend-bucket" name="bucket" onChange=${change}>
          ${BUCKETS.map(([value, label]) => html`<option value=${value} selected=${value === bucket}>按${label}</option>`)}
        </select>
      <//>
      <${Field} label="分类方式" id="trend-by">
        <select id="trend-by" name="by" onChange=${change}>
          ${BY.map(([value, label]) => html`<option value=${value} selected=${value === by}>按${label}</option>`)}
        </select>
      <//>
    </form>
    <${Message} kind="error">${error}<//>
    <section class="card" aria-labelledby="h-trend">
      <h2 id="h-trend">消息数趋势</h2>
      ${data ? chart : !error && html`<${Loading} />`}
    </section>
  </div>`;
}

export function PlacesPage({ period }) {
  const { data, error } = useOpinionData(`/places${query(period)}`);
  const list = data?.places ?? null;
  return html`<div>
    <${Message} kind="error">${error}<//>
    ${
      list === null
        ? !error && html`<${Loading} />`
        : list.length === 0
          ? html`<p class="empty">该期间的消息还没有提到具体区域。</p>`
          : html`<p class="summary">共 ${list.length} 个区域，按消息数排列</p>
            <div class="table-scroll"><table class="tickets places">
              <caption class="visually-hidden">各区域的消息数和负面占比</caption>
              <thead><tr><th scope="col">区域</th><th scope="col">类别</th><th scope="col">消息数</th>
                <th scope="col">负面</th><th scope="col">负面占比</th><th scope="col">话题</th></tr></thead>
              <tbody>
                ${list.map((p) => {
                  const count = Number(p.count ?? p.messageCount ?? p.total ?? 0);
                  const share = p.negativeShare ?? (p.negative !== undefined && count ? p.negative / count : undefined);
                  return html`<tr key=${placeCode(p)}>
                    <th scope="row">${placeName(p)}${p.district && html`<span class="meta">${p.district}</span>`}</th>
                    <td data-label="类别">${placeLevelName(p.level) || "—"}</td>
                    <td data-label="消息数">${count} 条</td>
                    <td data-label="负面">${p.negative ?? "—"}${p.negative !== undefined ? " 条" : ""}</td>
                    <td data-label="负面占比">${percent(share)}</td>
                    <td data-label="话题"><a href=${opinionHref("topics", { ...period, place: placeCode(p) })}>查看相关话题</a></td>
                  </tr>`;
                })}
              </tbody>
            </table></div>`
    }
  </div>`;
}

export function AlertsPage({ period, focus }) {
  const { data, error } = useOpinionData(`/alerts${query(period)}`);
  const alerts = data?.alerts ?? null;
  useEffect(() => {
    if (alerts && focus) document.getElementById(`alert-${focus}`)?.scrollIntoView({ block: "start" });
  }, [alerts, focus]);
  return html`<div>
    <${Message} kind="error">${error}<//>
    ${
      alerts === null
        ? !error && html`<${Loading} />`
        : alerts.length === 0
          ? html`<p class="empty">该期间没有预警。</p>`
          : html`<p class="summary">共 ${alerts.length} 条预警，最新的在前</p>
            <ul class="alerts">
              ${alerts.map(
                (
                  a,
                ) => html`<li key=${a.id} id=${`alert-${a.id}`} class=${`card alert${a.id === focus ? " focused" : ""}`}>
                  <div class="alert-head">
                    <${LevelLabel} level=${a.level} />
                    <h2>${a.label}</h2>
                    ${a.status === "closed" && html`<span class="status">已平息</span>`}
                  </div>
                  <dl class="facts">
                    <div><dt>消息数</dt><dd><strong>${a.messageCount} 条</strong>，通常约 ${expectedText(a.expected)} 条${
                      a.score !== undefined &&
                      html`<span class="meta">（异常程度 ${Math.round(a.score * 10) / 10}）</span>`
                    }</dd></div>
                    <div><dt>首次出现</dt><dd>${formatTime(a.firstAt)}</dd></div>
                    <div><dt>发现时间</dt><dd>${formatTime(a.detectedAt)}</dd></div>
                    <div><dt>关键词</dt><dd>${a.keywords?.join("、") || "—"}</dd></div>
                    ${a.ticketNumbers?.length > 0 && html`<div><dt>关联工单</dt><dd><${TicketLinks} numbers=${a.ticketNumbers} /></dd></div>`}
                    <div><dt>区域</dt><dd>${a.places?.length ? a.places.map(placeName).join("、") : "—"}</dd></div>
                    ${a.channels?.length > 0 && html`<div><dt>渠道</dt><dd>${a.channels.map(channelName).join("、")}</dd></div>`}
                  </dl>
                  ${
                    a.samples?.length > 0 &&
                    html`<h3>群众原话示例（已隐去个人信息）</h3>
                    <ul class="samples">
                      ${a.samples.map(
                        (s, i) => html`<li key=${s.id ?? i}>
                          <p class="note">${typeof s === "string" ? s : s.text}</p>
                          ${s.at || s.time ? html`<span class="meta">${formatTime(s.at ?? s.time)}${s.channel ? ` · ${channelName(s.channel)}` : ""}</span>` : ""}
                        </li>`,
                      )}
                    </ul>`
                  }
                  ${a.topicId && html`<p class="more"><a href=${opinionHref(`topics/${encodeURIComponent(a.topicId)}`, period)}>查看相关话题</a></p>`}
                </li>`,
              )}
            </ul>`
    }
  </div>`;
}
