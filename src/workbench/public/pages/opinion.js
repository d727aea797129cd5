// 民意洞察: what the city is saying (GET /api/opinion/…, for analysts, supervisors and admins;
// the server refuses the others with 403). One page with five views that share the period in
// the URL (?from=&to=): 概览 (refreshed every 30 s as messages arrive), 话题 and a topic's
// detail, 趋势, 区域, 预警; and the daily and weekly briefings.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useEffect, useState } from "/assets/vendor/preact-hooks.mjs";
import { download, OPINION_BASE, opinionApi, query } from "../api.js";
import { BarList } from "../chart.js";
import { Field, Loading, Message, usePolledData, useTitle } from "../components.js";
import { formatTime } from "../labels.js";
import {
  channelName,
  countsOf,
  expectedText,
  growthText,
  kindName,
  LevelLabel,
  opinionError,
  opinionGet,
  opinionHref,
  percent,
  periodOf,
  SENTIMENT_COLORS,
  SENTIMENTS,
  sentimentName,
} from "../opinion-data.js";
import { navigate } from "../router.js";
import { TopicPage, TopicsPage } from "./opinion-topics.js";
import { AlertsPage, PlacesPage, TrendsPage } from "./opinion-views.js";

const VIEWS = [
  ["overview", "概览"],
  ["topics", "话题"],
  ["trends", "趋势"],
  ["places", "区域"],
  ["alerts", "预警"],
];

/** The period picker: from and to (days); the view's other query values are kept. */
function PeriodForm({ view, routeQuery, period }) {
  const [error, setError] = useState("");
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = String(form.get("from") ?? "");
    const to = String(form.get("to") ?? "");
    if (!from || !to || to < from) return setError("请选择正确的起止日期。");
    setError("");
    const path = view === "overview" ? "" : view;
    navigate(opinionHref(path, { ...routeQuery, from, to, page: undefined }), { replace: true });
  };
  return html`<form class="search period opinion-period" onSubmit=${submit} aria-label="统计期间">
      <${Field} label="日期从" id="op-from"><input id="op-from" name="from" type="date" defaultValue=${period.from} /><//>
      <${Field} label="至" id="op-to"><input id="op-to" name="to" type="date" defaultValue=${period.to} /><//>
      <div class="search-buttons"><button type="submit">查询</button></div>
    </form>
    <${Message} kind="error">${error}<//>`;
}

/**
 * The daily and weekly briefings are HTML pages of the API; a plain link could not carry the
 * session's header, so the page is fetched with it and opened from the browser's memory.
 */
function Briefings({ period }) {
  const [error, setError] = useState("");
  const open = async (path, filename) => {
    setError("");
    // Opened at once, while the click still counts as the user's (a later window.open is blocked).
    const opened = window.open("", "_blank");
    try {
      const response = await opinionApi(path, { raw: true });
      // Its links (to these pages) are written from the site's root; a page read from memory
      // has no address of its own to resolve them against, so it is given the site's.
      const page = (await response.text()).replace(/<head>/i, `<head><base href="${location.origin}/">`);
      const url = URL.createObjectURL(new Blob([page], { type: "text/html;charset=utf-8" }));
      if (opened) opened.location.href = url;
      else await download(path, filename, { base: OPINION_BASE });
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (failure) {
      opened?.close();
      if (failure.status !== 401) setError(opinionError(failure));
    }
  };
  const week = isoWeek(period.to);
  return html`<div class="row-buttons export briefings">
      <button type="button" class="secondary" onClick=${() => open(`/briefings/daily${query({ date: period.to })}`, `舆情日报-${period.to}.html`)}>
        舆情日报 ${period.to}
      </button>
      <button type="button" class="secondary" onClick=${() => open(`/briefings/weekly${query({ week })}`, `舆情周报-${week}.html`)}>
        舆情周报 ${week}
      </button>
      <span class="hint">简报在新窗口打开，可直接打印。</span>
    </div>
    <${Message} kind="error">${error}<//>`;
}

/** The ISO week of a day, "2026-W49". */
export function isoWeek(day) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7)); // that week's Thursday
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

function Stat({ label, value, note }) {
  return html`<div class="stat">
    <span class="stat-label">${label}</span>
    <strong class="stat-value">${value}</strong>
    ${note && html`<span class="stat-note">${note}</span>`}
  </div>`;
}

function Overview({ period }) {
  const { data, error } = usePolledData(() => opinionGet(`/overview${query(period)}`), 30_000);
  const [updated, setUpdated] = useState(null);
  useEffect(() => {
    if (data) setUpdated(new Date());
  }, [data]);
  if (!data) return error ? html`<${Message} kind="error">${error}<//>` : html`<${Loading} />`;

  const totals = data.totals ?? {};
  const bySentiment = countsOf(data.bySentiment);
  const sentimentCount = (s) => bySentiment.find((c) => c.key === s)?.count ?? 0;
  const total = Number(totals.total ?? 0);
  const negative = sentimentCount("negative");
  const alerts = data.openAlerts;
  const topics = data.topTopics;
  const places = data.topPlaces;
  return html`<div>
    <p class="updated">
      ${updated && `更新于 ${formatTime(updated.toISOString()).slice(11)}，`}每 30 秒自动刷新
      ${error && html`<span class="stale">（刷新未成功：${error}）</span>`}
    </p>
    <div class="stats">
      <${Stat} label="群众声音" value=${`${total} 条`} note=${`${period.from} 至 ${period.to}`} />
      <${Stat} label="负面" value=${`${negative} 条`} note=${`占 ${total ? percent(negative / total) : "—"}`} />
      <${Stat} label="未处理预警" value=${`${alerts.length} 条`} note=${alerts.length ? "请及时关注" : "目前没有"} />
      <${Stat} label="热点话题" value=${`${topics.length} 个`} note="按消息数排列" />
    </div>
    <div class="opinion-grid">
      <div class="opinion-column">
        <section class="card" aria-labelledby="h-alerts">
          <h2 id="h-alerts">未处理预警</h2>
          ${
            alerts.length === 0
              ? html`<p class="empty">目前没有未处理的预警。</p>`
              : html`<ul class="alert-list">
                ${alerts.map(
                  (a) => html`<li key=${a.id}>
                    <${LevelLabel} level=${a.level} />
                    <a href=${opinionHref(`alerts/${encodeURIComponent(a.id)}`, period)}>${a.label}</a>
                    <span class="meta">${a.messageCount} 条（通常约 ${expectedText(a.expected)} 条） · 发现于 ${formatTime(a.detectedAt)}</span>
                  </li>`,
                )}
              </ul>`
          }
        </section>
        <section class="card" aria-labelledby="h-top-topics">
          <h2 id="h-top-topics">热点话题</h2>
          ${
            topics.length === 0
              ? html`<p class="empty">该期间还没有形成话题。</p>`
              : html`<ol class="topic-list">
                ${topics.map(
                  (t) => html`<li key=${t.id}>
                    <a href=${opinionHref(`topics/${encodeURIComponent(t.id)}`, period)}>${t.label}</a>
                    <span class="meta">${t.messageCount} 条 · 负面 ${percent(t.negativeShare)} · ${growthText(t)}</span>
                  </li>`,
                )}
              </ol>`
          }
          <p class="more"><a href=${opinionHref("topics", period)}>查看全部话题</a></p>
        </section>
        <section class="card" aria-labelledby="h-places">
          <h2 id="h-places">热点区域</h2>
          <${BarList} label="按区域" empty="该期间的消息还没有提到具体区域。" rows=${places.map((p) => ({
            key: p.code,
            label: p.name,
            count: p.total,
            href: opinionHref("topics", { ...period, place: p.code }),
            note: `（负面 ${percent(p.negativeShare)}）`,
          }))} />
          <p class="more"><a href=${opinionHref("places", period)}>查看全部区域</a></p>
        </section>
      </div>
      <div class="opinion-column">
        <section class="card" aria-labelledby="h-sentiment">
          <h2 id="h-sentiment">情感分布</h2>
          <${BarList} label="按情感" rows=${SENTIMENTS.map((s) => ({
            key: s,
            label: sentimentName(s),
            count: sentimentCount(s),
            color: SENTIMENT_COLORS[s],
            note: total ? `（${percent(sentimentCount(s) / total)}）` : "",
          }))} />
        </section>
        <section class="card" aria-labelledby="h-channels">
          <h2 id="h-channels">来源渠道</h2>
          <${BarList} label="按渠道" rows=${countsOf(data.byChannel).map((c) => ({ ...c, label: channelName(c.key) }))} />
          ${(() => {
            const kinds = countsOf(data.byKind);
            return (
              kinds.length > 0 &&
              html`<h3>来源类型</h3>
                <${BarList} label="按来源类型" rows=${kinds.map((c) => ({ ...c, label: kindName(c.key) }))} />`
            );
          })()}
        </section>
      </div>
    </div>
  </div>`;
}

export function OpinionPage({ route }) {
  const known = VIEWS.some(([name]) => name === route.params.view);
  const view = known ? route.params.view : "overview";
  // /opinion/topics/<id>: a topic's page; /opinion/alerts/<id>: the alerts, that one shown first.
  const id = view === "topics" ? route.params.id : undefined;
  const alertId = view === "alerts" ? route.params.id : undefined;
  const title = id ? "话题详情" : VIEWS.find(([name]) => name === view)[1];
  useTitle(`民意洞察 · ${title}`);
  const period = periodOf(route.query);
  const body = {
    overview: () => html`<${Overview} key=${period.from + period.to} period=${period} />`,
    topics: () =>
      id
        ? html`<${TopicPage} key=${id + period.from + period.to + (route.query.page ?? "")} id=${id} period=${period} route=${route} />`
        : html`<${TopicsPage} key=${route.query && JSON.stringify(route.query)} period=${period} route=${route} />`,
    trends: () => html`<${TrendsPage} key=${JSON.stringify(route.query)} period=${period} route=${route} />`,
    places: () => html`<${PlacesPage} key=${period.from + period.to} period=${period} />`,
    alerts: () =>
      html`<${AlertsPage} key=${period.from + period.to} period=${period} focus=${alertId ?? route.query.focus} />`,
  }[view];
  return html`<section class="opinion">
    <h1>民意洞察<span class="h1-sub"> · ${title}</span></h1>
    <nav class="tabs views" aria-label="民意洞察">
      ${VIEWS.map(
        ([name, label]) => html`<a href=${opinionHref(name === "overview" ? "" : name, period)}
          aria-current=${name === view ? "page" : undefined}>${label}</a>`,
      )}
    </nav>
    ${
      !id &&
      html`<${PeriodForm} key=${period.from + period.to} view=${view} routeQuery=${route.query} period=${period} />
        <${Briefings} period=${period} />`
    }
    ${body()}
  </section>`;
}
