// 民意洞察 · 话题: the topics of the period (filtered by place and domain), their CSV, and one
// topic's detail: its words, places, counts, timeline, the tickets it became (links to the
// ticket page) and its messages, masked by the server, 20 a page.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useState } from "/assets/vendor/preact-hooks.mjs";
import { download, OPINION_BASE, query } from "../api.js";
import { Chart } from "../chart.js";
import { Field, Loading, Message } from "../components.js";
import { formatTime } from "../labels.js";
import {
  bucketLabel,
  channelName,
  growthText,
  opinionError,
  opinionHref,
  percent,
  placeName,
  SENTIMENT_COLORS,
  SENTIMENTS,
  SentimentLabel,
  sentimentName,
  TicketLinks,
  useOpinionData,
} from "../opinion-data.js";
import { navigate } from "../router.js";

const PAGE_SIZE = 20;

function ExportButton({ path, filename, label }) {
  const [error, setError] = useState("");
  const run = async () => {
    setError("");
    try {
      await download(path, filename, { base: OPINION_BASE });
    } catch (failure) {
      if (failure.status !== 401) setError(opinionError(failure));
    }
  };
  return html`<button type="button" class="secondary" onClick=${run}>${label}</button>
    <${Message} kind="error">${error}<//>`;
}

const places = (list) => (list?.length ? list.map(placeName).join("、") : "—");
const span = (t) => `${formatTime(t.firstAt)} 至 ${formatTime(t.lastAt)}`;

export function TopicsPage({ period, route }) {
  const filters = {
    keyword: route.query.keyword ?? "",
    place: route.query.place ?? "",
    domain: route.query.domain ?? "",
  };
  const { data, error } = useOpinionData(`/topics${query({ ...period, ...filters, limit: 50 })}`);
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      opinionHref("topics", {
        ...period,
        keyword: String(form.get("keyword") ?? "").trim(),
        place: String(form.get("place") ?? "").trim(),
        domain: String(form.get("domain") ?? "").trim(),
      }),
      { replace: true },
    );
  };
  const topics = data?.topics ?? null;
  return html`<div>
    <form class="search topic-filters" onSubmit=${submit} aria-label="筛选话题">
      <${Field} label="关键词" id="topic-keyword" hint="如 停水、路灯">
        <input id="topic-keyword" name="keyword" defaultValue=${filters.keyword} aria-describedby="topic-keyword-hint" />
      <//>
      <${Field} label="区域" id="topic-place" hint="区县、街道、社区或地点的名称">
        <input id="topic-place" name="place" defaultValue=${filters.place} aria-describedby="topic-place-hint" />
      <//>
      <${Field} label="领域" id="topic-domain" hint="如 城建、交通、环保">
        <input id="topic-domain" name="domain" defaultValue=${filters.domain} aria-describedby="topic-domain-hint" />
      <//>
      <div class="search-buttons">
        <button type="submit">筛选</button>
        ${(filters.keyword || filters.place || filters.domain) && html`<a class="link-button" href=${opinionHref("topics", period)}>清除筛选</a>`}
      </div>
    </form>
    <div class="row-buttons export">
      <${ExportButton} label="导出话题 CSV" path=${`/topics.csv${query({ ...period, ...filters, limit: 50 })}`}
        filename=${`舆情话题-${period.from}-${period.to}.csv`} />
    </div>
    <${Message} kind="error">${error}<//>
    ${
      topics === null
        ? !error && html`<${Loading} />`
        : topics.length === 0
          ? html`<p class="empty">该期间没有符合条件的话题。</p>`
          : html`<p class="summary">共 ${topics.length} 个话题，按消息数排列</p>
            <div class="table-scroll"><table class="tickets topics">
              <caption class="visually-hidden">话题列表</caption>
              <thead><tr>
                <th scope="col">话题</th><th scope="col">消息数</th><th scope="col">近24小时变化</th><th scope="col">负面占比</th>
                <th scope="col">区域</th><th scope="col">时间</th><th scope="col">关联工单</th>
              </tr></thead>
              <tbody>
                ${topics.map(
                  (t) => html`<tr key=${t.id}>
                    <th scope="row"><a href=${opinionHref(`topics/${encodeURIComponent(t.id)}`, period)}>${t.label}</a>
                      ${t.keywords?.length > 0 && html`<span class="meta keywords">${t.keywords.join("、")}</span>`}</th>
                    <td data-label="消息数">${t.messageCount} 条</td>
                    <td data-label="近24小时变化">${growthText(t)}</td>
                    <td data-label="负面占比">${percent(t.negativeShare)}</td>
                    <td data-label="区域">${places(t.places)}</td>
                    <td data-label="时间">${span(t)}</td>
                    <td data-label="关联工单"><${TicketLinks} numbers=${t.ticketNumbers} /></td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`
    }
  </div>`;
}

/** A timeline as [{start, total, negative, neutral, positive}] (the API may name the time and count otherwise). */
function Timeline({ timeline, bucket }) {
  if (!timeline?.length) return html`<p class="empty">暂无时间分布。</p>`;
  const start = (p) => p.start ?? p.bucket ?? p.hour ?? p.at ?? p.time;
  const bySentiment = timeline.some((p) => p.negative !== undefined);
  const categories = timeline.map((p) => bucketLabel(start(p), bucket ?? "hour"));
  const series = bySentiment
    ? SENTIMENTS.map((s) => ({
        name: sentimentName(s),
        values: timeline.map((p) => p[s] ?? 0),
        color: SENTIMENT_COLORS[s],
      }))
    : [{ name: "消息数", values: timeline.map((p) => p.count ?? p.total ?? 0) }];
  return html`<${Chart} title="话题的消息数随时间变化" categories=${categories} series=${series} />`;
}

export function TopicPage({ id, period, route }) {
  const page = Math.max(1, Number.parseInt(route.query.page ?? "1", 10) || 1);
  const { data, error } = useOpinionData(`/topics/${encodeURIComponent(id)}${query({ page, pageSize: PAGE_SIZE })}`);
  const back = html`<p class="back"><a href=${opinionHref("topics", period)}>← 返回话题列表</a></p>`;
  if (error) return html`${back}<${Message} kind="error">${error}<//>`;
  if (!data) return html`${back}<${Loading} />`;
  const topic = data;
  const messages = data.messages ?? [];
  const total = Number(topic.messageCount ?? 0);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const goTo = (p) => opinionHref(`topics/${encodeURIComponent(id)}`, { ...period, page: p > 1 ? p : undefined });
  return html`<div>
    ${back}
    <h2 class="topic-title">${topic.label}</h2>
    <div class="topic-grid">
      <section class="card" aria-labelledby="h-topic-facts">
        <h3 id="h-topic-facts" class="visually-hidden">话题概况</h3>
        <dl class="facts">
          <div><dt>关键词</dt><dd>${topic.keywords?.join("、") || "—"}</dd></div>
          <div><dt>区域</dt><dd>${places(topic.places)}</dd></div>
          <div><dt>消息数</dt><dd>${topic.messageCount} 条</dd></div>
          <div><dt>近24小时</dt><dd>${growthText(topic)}</dd></div>
          <div><dt>负面占比</dt><dd>${percent(topic.negativeShare)}</dd></div>
          <div><dt>时间</dt><dd>${span(topic)}</dd></div>
          <div><dt>关联工单${topic.ticketCount > topic.ticketNumbers.length ? `（共 ${topic.ticketCount} 件，列出最近 ${topic.ticketNumbers.length} 件）` : ""}</dt><dd><${TicketLinks} numbers=${topic.ticketNumbers} /></dd></div>
          ${topic.parentTicketNumber && html`<div><dt>并案主件</dt><dd><${TicketLinks} numbers=${[topic.parentTicketNumber]} /></dd></div>`}
        </dl>
      </section>
      <section class="card" aria-labelledby="h-topic-timeline">
        <h3 id="h-topic-timeline">消息数随时间变化</h3>
        <${Timeline} timeline=${data.timeline} />
      </section>
    </div>
    <section class="card" aria-labelledby="h-topic-messages">
      <div class="section-head">
        <h3 id="h-topic-messages">群众原话（已隐去个人信息）</h3>
        <${ExportButton} label="导出消息 CSV" path=${`/topics/${encodeURIComponent(id)}/messages.csv`}
          filename=${`话题消息-${id}.csv`} />
      </div>
      ${
        messages.length === 0
          ? html`<p class="empty">该期间没有这个话题的消息。</p>`
          : html`<ul class="opinion-messages">
            ${messages.map(
              (m) => html`<li key=${m.id}>
                <div class="history-head">
                  <time datetime=${m.time}>${formatTime(m.time)}</time>
                  <span>${channelName(m.channel)}</span>
                  <${SentimentLabel} sentiment=${m.sentiment} />
                  ${m.externalId && html`<span class="meta">编号 ${m.externalId}</span>`}
                </div>
                <p class="note">${m.text}</p>
              </li>`,
            )}
          </ul>
          <nav class="pager" aria-label="消息分页">
            ${page > 1 ? html`<a class="link-button" href=${goTo(page - 1)}>上一页</a>` : ""}
            <span>第 ${page} / ${pages} 页，共 ${total} 条</span>
            ${page < pages ? html`<a class="link-button" href=${goTo(page + 1)}>下一页</a>` : ""}
          </nav>`
      }
    </section>
  </div>`;
}
