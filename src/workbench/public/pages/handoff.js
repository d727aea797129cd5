// 人工服务: citizens who asked for a person. The queue (等待接入, with how long each has
// waited; 留言 left outside the service hours or when nobody picked up; the agent's own
// 接待中), refreshed every 5 s while the tab is visible; one conversation with its history
// (masked by the server per role), 接入, a reply box, 转回智能客服 and 登记工单. For the
// dispatch centre and admins; the server decides (docs/handoff.md).
import { html } from "/assets/vendor/htm-preact.mjs";
import { useCallback, useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "../api.js";
import { DialogForm, Field, Loading, Message, usePolledData, usePolling, useTitle } from "../components.js";
import { CHANNEL_NAMES, formatTime } from "../labels.js";
import { ROOT } from "../router.js";

const STATUS = { waiting: "等待接入", active: "接待中", message: "留言待回复", closed: "已结束" };
const PAGE = `${ROOT}handoff`;
/** How the citizen sees an agent's words (src/conversation/handoff-replies.ts: agentSays). */
const AGENT_PREFIX = "人工客服：";

/** How long since `iso`, by the server's clock: 刚刚 / 3 分钟 / 1 小时 20 分钟. */
function waited(iso, serverNow) {
  const minutes = Math.max(0, Math.floor((serverNow - new Date(iso).getTime()) / 60_000));
  if (minutes < 1) return "不到 1 分钟";
  if (minutes < 60) return `${minutes} 分钟`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} 小时${rest ? ` ${rest} 分钟` : ""}`;
}

function QueueList({ id, title, items, selected, serverNow, empty, detail }) {
  return html`<section class="card handoff-list" aria-labelledby=${id}>
    <h2 id=${id}>${title}（${items.length}）</h2>
    ${items.length === 0 && html`<p class="empty">${empty}</p>`}
    <ul>
      ${items.map(
        (s) => html`<li key=${s.id} class=${s.id === selected ? "selected" : ""}>
          <a href=${`${PAGE}?id=${encodeURIComponent(s.id)}`} aria-current=${s.id === selected ? "true" : undefined}>
            <span class="handoff-who">${CHANNEL_NAMES[s.channel] ?? s.channel}群众</span>
            <span class="handoff-time">${detail(s, serverNow)}</span>
            <span class="handoff-last">${s.lastMessage?.text ?? "（还没有留言）"}</span>
          </a>
        </li>`,
      )}
    </ul>
  </section>`;
}

function TicketForm({ onSubmit, onCancel, busy, error }) {
  return html`<${DialogForm} title="为群众登记工单" submitLabel="登记工单" busy=${busy} error=${error}
      onSubmit=${onSubmit} onCancel=${onCancel}>
    <${Field} label="诉求内容" id="handoff-ticket-text" hint="写清事情、地点和时间，工单将按规则分派到责任部门。">
      <textarea id="handoff-ticket-text" name="text" rows="5" required maxlength="2000"
        aria-describedby="handoff-ticket-text-hint"></textarea>
    <//>
    <${Field} label="类型" id="handoff-ticket-kind">
      <select id="handoff-ticket-kind" name="kind">
        <option value="complaint">投诉</option>
        <option value="help">求助</option>
      </select>
    <//>
  <//>`;
}

function Conversation({ id, staff, onChanged }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState("");
  const [text, setText] = useState("");
  const [filing, setFiling] = useState(false);
  const [formError, setFormError] = useState("");
  const list = useRef(null);
  const load = useCallback(async () => {
    try {
      setData(await api(`/handoffs/${encodeURIComponent(id)}`));
      setError("");
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    }
  }, [id]);
  useEffect(() => {
    setData(null);
    setNotice("");
    load();
  }, [load]);
  usePolling(load, 5_000, [load]);
  const lines = data?.history.length ?? 0;
  // The latest message in view, inside the history's own scroll area (the page stays put).
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [lines]);

  const act = async (name, path, body, done) => {
    setBusy(name);
    setError("");
    try {
      const result = await api(`/handoffs/${encodeURIComponent(id)}/${path}`, { method: "POST", body });
      setNotice(done(result));
      await load();
      onChanged();
      return true;
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
      await load();
      return false;
    } finally {
      setBusy("");
    }
  };
  const send = async (event) => {
    event.preventDefault();
    if (!text.trim()) return setError("请输入回复内容。");
    if (await act("reply", "replies", { text }, () => "已发送。")) setText("");
  };
  const file = async (form) => {
    setFormError("");
    const body = { text: String(form.get("text") ?? ""), kind: String(form.get("kind") ?? "complaint") };
    if (!body.text.trim()) return setFormError("请填写诉求内容。");
    const ok = await act("ticket", "tickets", body, (r) => `已登记工单 ${r.number}，并告知群众。`);
    if (ok) setFiling(false);
  };

  if (!data) return error ? html`<${Message} kind="error">${error}<//>` : html`<${Loading} />`;
  const h = data.handoff;
  const mine = h.status === "active" && h.agent === staff.username;
  return html`<section class="card handoff-detail" aria-labelledby="h-conversation">
    <div class="page-head">
      <h2 id="h-conversation">${CHANNEL_NAMES[h.channel] ?? h.channel}群众 · ${STATUS[h.status] ?? h.status}</h2>
      <p class="meta">申请时间 ${formatTime(h.requestedAt)}${h.replyBy ? ` · 承诺 ${formatTime(h.replyBy)} 前回复` : ""}${
        h.agent ? ` · 接待：${h.agent}` : ""
      }</p>
    </div>
    <${Message} kind="success">${notice}<//>
    <${Message} kind="error">${error}<//>
    ${data.masked && html`<p class="hint">联系方式已按权限隐去。</p>`}
    <ol class="conversation handoff-history" aria-label="对话记录" tabindex="0" ref=${list}>
      ${data.history.map((m, i) => {
        const agentSaid = m.direction === "out" && m.text.startsWith(AGENT_PREFIX);
        return html`<li key=${i} class=${m.direction === "in" ? "in" : agentSaid ? "out agent" : "out"}>
          <span class="speaker">${m.direction === "in" ? "群众" : agentSaid ? "人工客服" : "智能客服"}</span>
          <p>${agentSaid ? m.text.slice(AGENT_PREFIX.length) : m.text}</p>
          <time datetime=${m.at}>${formatTime(m.at)}</time>
        </li>`;
      })}
    </ol>
    ${
      (h.status === "waiting" || h.status === "message") &&
      html`<div class="row-buttons">
        <button type="button" disabled=${busy !== ""} onClick=${() => act("pickup", "pickup", undefined, () => "已接入，群众已收到提示。")}>
          ${busy === "pickup" ? "正在接入…" : h.status === "message" ? "接入并回复留言" : "接入"}
        </button>
      </div>`
    }
    ${
      mine &&
      html`${!data.replyWindow.open && html`<${Message} kind="error">该渠道的回复时限已过（${formatTime(data.replyWindow.closesAt)}），消息无法送达，可以登记工单。<//>`}
      <form class="handoff-reply" onSubmit=${send}>
        <${Field} label="回复群众" id="handoff-reply-text">
          <textarea id="handoff-reply-text" name="text" rows="3" maxlength="2000" value=${text}
            onInput=${(e) => setText(e.currentTarget.value)}></textarea>
        <//>
        <div class="row-buttons">
          <button type="submit" disabled=${busy !== "" || !data.replyWindow.open}>${busy === "reply" ? "正在发送…" : "发送"}</button>
          <button type="button" class="secondary" disabled=${busy !== ""} onClick=${() => setFiling(true)}>登记工单</button>
          <button type="button" class="secondary" disabled=${busy !== ""}
            onClick=${() => act("back", "hand-back", undefined, () => "已转回智能客服。")}>转回智能客服</button>
        </div>
      </form>`
    }
    ${filing && html`<${TicketForm} busy=${busy === "ticket"} error=${formError} onSubmit=${file} onCancel=${() => setFiling(false)} />`}
  </section>`;
}

export function HandoffPage({ route, staff }) {
  useTitle("人工服务");
  const { data, error, load } = usePolledData(async () => {
    const list = await api("/handoffs");
    return { ...list, serverNow: new Date(list.now).getTime() };
  }, 5_000);
  const selected = route.query.id;

  return html`<section class="handoff">
    <h1>人工服务</h1>
    <${Message} kind="error">${error}<//>
    ${data === null && !error && html`<${Loading} />`}
    ${
      data &&
      html`<div class="handoff-grid">
        <div class="handoff-queues">
          <${QueueList} id="h-waiting" title="等待接入" items=${data.waiting} selected=${selected} serverNow=${data.serverNow}
            empty="暂无等待的群众。" detail=${(s, now) => `已等待 ${waited(s.requestedAt, now)}`} />
          <${QueueList} id="h-mine" title="我接待中" items=${data.mine} selected=${selected} serverNow=${data.serverNow}
            empty="您没有接待中的会话。" detail=${(s) => `${formatTime(s.pickedUpAt)} 接入`} />
          <${QueueList} id="h-messages" title="留言待回复" items=${data.messages} selected=${selected} serverNow=${data.serverNow}
            empty="暂无留言。" detail=${(s) => (s.replyBy ? `${formatTime(s.replyBy)} 前回复` : "")} />
        </div>
        ${
          selected
            ? html`<${Conversation} key=${selected} id=${selected} staff=${staff} onChanged=${load} />`
            : html`<p class="card empty handoff-detail">请从左侧选择一位群众。</p>`
        }
      </div>`
    }
  </section>`;
}
