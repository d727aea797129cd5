// 工单详情: the citizen's words, photos and places, the facts, the history, the
// conversation, internal notes, and the actions the server allows. All text is rendered
// as text (Preact escapes it).
import { html } from "/assets/vendor/htm-preact.mjs";
import { useCallback, useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "../api.js";
import { KindLabel, Loading, Message, useTitle } from "../components.js";
import {
  ACTION_LABELS,
  actorName,
  CHANNEL_NAMES,
  eventName,
  formatTime,
  STATUS_NAMES,
  timeLeft,
  VERDICTS,
} from "../labels.js";
import { ROOT } from "../router.js";
import { ActionBar } from "../ticket-actions.js";

const DONE_MESSAGES = {
  accept: "已签收。",
  start: "已开始办理。",
  resolve: "已办结，答复已发送给群众。",
  note: "备注已添加。",
};

function TicketLink({ number }) {
  return html`<a href=${`${ROOT}tickets/${encodeURIComponent(number)}`}>${number}</a>`;
}

/** Only web addresses become links (never javascript: or data:), whatever a channel stored. */
function safeUrl(url) {
  if (typeof url !== "string") return null;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  return /^https?:\/\//i.test(url) ? url : null;
}

function Attachments({ ticket }) {
  const attachments = ticket.attachments ?? [];
  const photos = attachments.filter((a) => a.kind === "image" || a.kind === "video");
  const places = attachments.filter((a) => a.kind === "location");
  if (photos.length === 0 && places.length === 0) return null;
  return html`<div class="attachments">
    ${
      photos.length > 0 &&
      html`<h3>照片和视频</h3>
        <ul class="photos">
          ${photos.map((a, i) => {
            const url = safeUrl(a.url);
            const name = `${a.kind === "video" ? "视频" : "照片"} ${i + 1}`;
            if (url?.startsWith("/") && a.kind === "image")
              return html`<li><a href=${url} target="_blank" rel="noopener noreferrer"><img src=${url} alt=${`群众上传的${name}`} loading="lazy" /></a></li>`;
            if (url) return html`<li><a href=${url} target="_blank" rel="noopener noreferrer">查看${name}</a></li>`;
            return html`<li>${name}（平台素材编号 ${a.mediaId ?? "—"}）</li>`;
          })}
        </ul>`
    }
    ${
      places.length > 0 &&
      html`<h3>群众发送的位置</h3>
        <ul>
          ${places.map((a) => {
            const d = a.data ?? {};
            const coords =
              d.latitude !== undefined ? `${Number(d.latitude).toFixed(5)}, ${Number(d.longitude).toFixed(5)}` : "";
            return html`<li>${d.label ?? "位置"}${coords && `（${coords}）`}</li>`;
          })}
        </ul>`
    }
  </div>`;
}

function Facts({ ticket, departmentName, categoryName }) {
  const left = timeLeft(ticket);
  const place = [ticket.district, ticket.address, ...(ticket.places ?? [])].filter(Boolean);
  const ext = ticket.pendingExtension;
  const rows = [
    ["来源渠道", CHANNEL_NAMES[ticket.channel] ?? ticket.channel],
    ["分类", categoryName(ticket.category)],
    ["领域", ticket.domain ?? "—"],
    ["地点", place.length ? [...new Set(place)].join("，") : "—"],
    ["承办部门", ticket.department?.name ?? departmentName(ticket.departmentCode)],
    ["登记时间", formatTime(ticket.createdAt)],
    ["办理时限", formatTime(ticket.deadlineAt)],
    ["剩余时间", html`<span class=${`left ${left.level}`}>${left.text}</span>`],
  ];
  if (ticket.parentNumber) rows.push(["已并入", html`<${TicketLink} number=${ticket.parentNumber} />`]);
  if (ticket.childNumbers?.length)
    rows.push([
      "并案工单",
      html`${ticket.childNumbers.map((n, i) => html`${i > 0 && "、"}<${TicketLink} number=${n} />`)}`,
    ]);
  if (ext)
    rows.push([
      "延期申请",
      `申请延期至 ${formatTime(ext.newDeadlineAt)}，理由：${ext.reason}（${ext.requestedBy ? actorName(ext.requestedBy) : ""} ${formatTime(ext.requestedAt)}）`,
    ]);
  if (ticket.verdict)
    rows.push(["采纳意见", VERDICTS.find(([code]) => code === ticket.verdict)?.[1] ?? ticket.verdict]);
  if (ticket.resolution) rows.push(["答复内容", ticket.resolution]);
  if (ticket.rating)
    rows.push(["群众评价", `${ticket.rating} 分${ticket.ratingComment ? `：${ticket.ratingComment}` : ""}`]);
  return html`<dl class="facts">
    ${rows.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}
  </dl>`;
}

function History({ events }) {
  const shown = events.filter((e) => e.type !== "note");
  return html`<ol class="history">
    ${shown.map(
      (e) => html`<li key=${e.seq}>
        <div class="history-head">
          <strong>${eventName(e.type)}</strong>
          <span class="actor">${actorName(e.actor)}</span>
          <time datetime=${e.at}>${formatTime(e.at)}</time>
        </div>
        ${e.note && html`<p class="note">${e.note}</p>`}
        ${e.type === "resolved" && e.data?.reply && html`<p class="note">答复：${e.data.reply}</p>`}
      </li>`,
    )}
  </ol>`;
}

function Notes({ events }) {
  const notes = events.filter((e) => e.type === "note");
  if (notes.length === 0) return html`<p class="hint">暂无内部备注。备注只有工作人员可见。</p>`;
  return html`<ul class="notes">
    ${notes.map(
      (e) => html`<li key=${e.seq}>
        <p class="note">${e.note}</p>
        <p class="meta">${actorName(e.actor)} · ${formatTime(e.at)}</p>
      </li>`,
    )}
  </ul>`;
}

function Conversation({ number }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api(`/tickets/${encodeURIComponent(number)}/conversation`)
      .then(setData)
      .catch((failure) => setError(failure.message));
  }, [number]);
  if (error) return html`<${Message} kind="error">${error}<//>`;
  if (!data) return html`<${Loading} />`;
  if (data.messages.length === 0) return html`<p class="hint">没有对话记录。</p>`;
  return html`${data.masked && html`<p class="hint">联系方式已按权限隐去。</p>`}
    <ol class="conversation">
      ${data.messages.map(
        (m, i) => html`<li key=${i} class=${m.direction === "in" ? "in" : "out"}>
          <span class="speaker">${m.direction === "in" ? "群众" : "热线"}</span>
          <p>${m.text}</p>
          <time datetime=${m.at}>${formatTime(m.at)}</time>
        </li>`,
      )}
    </ol>`;
}

export function TicketPage({ route, departmentName, categoryName }) {
  const number = route.params.number;
  useTitle(`工单 ${number}`);
  const [ticket, setTicket] = useState(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [conversationKey, setConversationKey] = useState(0);
  const heading = useRef(null);

  const load = useCallback(async () => {
    try {
      setTicket(await api(`/tickets/${encodeURIComponent(number)}`));
      setError("");
    } catch (failure) {
      if (failure.status === 404) setError(`未找到工单 ${number}，或它不属于您的部门。`);
      else if (failure.status !== 401) setError(failure.message);
    }
  }, [number]);

  useEffect(() => {
    load();
  }, [load]);

  const onDone = (action, updated) => {
    setTicket(updated);
    // Praise is acknowledged: nothing is sent to the citizen.
    const done = action === "resolve" && updated.kind === "praise" ? "已办结。" : DONE_MESSAGES[action];
    setNotice(done ?? `已${ACTION_LABELS[action]}。`);
    if (action === "resolve") setConversationKey((k) => k + 1);
  };
  const onConflict = async () => {
    await load();
    setNotice("工单刚刚已被他人更新或状态已变化，已为您显示最新内容，请确认后再操作。");
  };

  if (error)
    return html`<section><p><a href=${ROOT}>← 返回工单列表</a></p><h1>工单 ${number}</h1>
      <${Message} kind="error">${error}<//></section>`;
  if (!ticket) return html`<${Loading} />`;
  return html`<article class="ticket">
    <p class="back"><a href=${ROOT}>← 返回工单列表</a></p>
    <div class="ticket-head">
      <h1 id="ticket-heading" tabindex="-1" ref=${heading}>工单 ${ticket.number}</h1>
      <${KindLabel} kind=${ticket.kind} />
      <span class=${`status status-${ticket.status}`}>${STATUS_NAMES[ticket.status] ?? ticket.statusLabel}</span>
    </div>
    <${Message} kind="success">${notice}<//>
    <${ActionBar} ticket=${ticket} onDone=${onDone} onConflict=${onConflict} />
    <div class="ticket-grid">
      <div class="ticket-main">
        <section class="card order-1" aria-labelledby="h-text">
          <h2 id="h-text">群众诉求</h2>
          <p class="citizen-text">${ticket.text}</p>
          <${Attachments} ticket=${ticket} />
        </section>
        <section class="card order-3" aria-labelledby="h-history">
          <h2 id="h-history">办理记录</h2>
          <${History} events=${ticket.events} />
        </section>
        <section class="card order-4" aria-labelledby="h-conversation">
          <h2 id="h-conversation">对话记录</h2>
          <${Conversation} number=${ticket.number} key=${conversationKey} />
        </section>
      </div>
      <div class="ticket-side">
        <section class="card order-2" aria-labelledby="h-facts">
          <h2 id="h-facts">基本信息</h2>
          <${Facts} ticket=${ticket} departmentName=${departmentName} categoryName=${categoryName} />
        </section>
        <section class="card order-5" aria-labelledby="h-notes">
          <h2 id="h-notes">内部备注</h2>
          <${Notes} events=${ticket.events} />
        </section>
      </div>
    </div>
  </article>`;
}
