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
  LevelLabel,
  opinionHref,
  percent,
  placeCode,
  placeLevelName,
  placeName,
  SENTIMENT_COLORS,
  sentimentName,
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
/** Lines drawn at most; the rest are added up as 其他. */
const MAX_SERIES = 6;

/**
 * The trend as {starts, series: [{key, name, values}]}, from either buckets with counts per
 * value ({buckets: [{start, counts: {v: n}}]}) or series with points ({series: [{value, points: [{start, count}]}]}).
 */
function trendOf(data, by) {
  const nameOf = (key, label) =>
    label ?? (by === "sentiment" ? sentimentName(key) : by === "channel" ? channelName(key) : key);
  if (Array.isArray(data.buckets)) {
    const starts = data.buckets.map((b) => b.start ?? b.bucket ?? b.at);
    const keys = new Map();
    for (const b of data.buckets)
      for (const [key, v] of Object.entries(b.counts ?? b.values ?? {}))
        keys.set(key, (keys.get(key) ?? 0) + Number(v?.total ?? v));
    const series = [...keys.keys()].map((key) => ({
      key,
      name: nameOf(key, data.labels?.[key]),
      values: data.buckets.map((b) => {
        const v = (b.counts ?? b.values)?.[key];
        return Number(v?.total ?? v ?? 0);
      }),
    }));
    return { starts, series };
  }
  const raw = data.series ?? [];
  const starts = [...new Set(raw.flatMap((s) => (s.points ?? []).map((p) => p.start ?? p.bucket ?? p.at)))].sort();
  const series = raw.map((s) => {
    const key = String(s.value ?? s.key ?? s.code ?? s.name);
    const at = new Map((s.points ?? []).map((p) => [p.start ?? p.bucket ?? p.at, Number(p.count ?? p.total ?? 0)]));
    return { key, name: nameOf(key, s.label ?? s.name), values: starts.map((t) => at.get(t) ?? 0) };
  });
  return { starts, series };
}

export function TrendsPage({ period, route }) {
  const bucket = BUCKETS.some(([b]) => b === route.query.bucket) ? route.query.bucket : "day";
  const by = BY.some(([b]) => b === route.query.by) ? route.query.by : "sentiment";
  const { data, error } = useOpinionData(`/trends${query({ ...period, bucket, by })}`);
  const change = (event) => {
    const form = event.currentTarget.form;
    navigate(opinionHref("trends", { ...period, bucket: form.bucket.value, by: form.by.value }), { replace: true });
  };
  let chart = null;
  if (data) {
    const { starts, series } = trendOf(data, by);
    const total = (s) => s.values.reduce((a, v) => a + v, 0);
    const ordered = [...series].sort((a, b) => total(b) - total(a));
    const shown = ordered.slice(0, MAX_SERIES);
    const rest = ordered.slice(MAX_SERIES);
    if (rest.length)
      shown.push({
        key: "other",
        name: `其他 ${rest.length} 项`,
        values: starts.map((_, i) => rest.reduce((a, s) => a + s.values[i], 0)),
      });
    if (by === "sentiment") for (const s of shown) s.color = SENTIMENT_COLORS[s.key];
    const byName = BY.find(([b]) => b === by)[1];
    chart =
      starts.length === 0
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

export function AlertsPage({ period, route }) {
  const { data, error } = useOpinionData(`/alerts${query(period)}`);
  const alerts = data?.alerts ?? null;
  const focus = route.query.focus;
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
                    <div><dt>消息数</dt><dd><strong>${a.messageCount} 条</strong>，通常约 ${Math.round((a.expected ?? 0) * 10) / 10} 条${
                      a.score !== undefined &&
                      html`<span class="meta">（异常程度 ${Math.round(a.score * 10) / 10}）</span>`
                    }</dd></div>
                    <div><dt>首次出现</dt><dd>${formatTime(a.firstAt)}</dd></div>
                    <div><dt>发现时间</dt><dd>${formatTime(a.detectedAt)}</dd></div>
                    <div><dt>关键词</dt><dd>${a.keywords?.join("、") || "—"}</dd></div>
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
