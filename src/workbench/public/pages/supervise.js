// 督办: overdue and near-deadline tickets across departments, reviews of poorly rated
// results, and the 督办 history.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useCallback, useEffect, useState } from "/assets/vendor/preact-hooks.mjs";
import { Loading, Message, useApiData, usePolling, useTitle } from "../components.js";
import { loadInbox } from "../inbox-data.js";
import { actorName, formatTime } from "../labels.js";
import { ROOT } from "../router.js";
import { TicketList } from "../ticket-list.js";

const SECTIONS = [
  ["overdue", "已超期"],
  ["due_soon", "临期"],
  ["review", "待复核"],
  ["history", "督办记录"],
];

function History() {
  const { data, error } = useApiData("/supervision", { items: [] });
  const events = data?.items ?? null;
  if (error) return html`<${Message} kind="error">${error}<//>`;
  if (events === null) return html`<${Loading} />`;
  if (events.length === 0) return html`<p class="empty">暂无督办记录。</p>`;
  return html`<ol class="history">
    ${events.map((e, i) => {
      const number = e.ticketNumber ?? e.number;
      return html`<li key=${i}>
        <div class="history-head">
          ${number && html`<a href=${`${ROOT}tickets/${encodeURIComponent(number)}`}>${number}</a>`}
          <strong>${e.kind === "automatic" ? "超期自动督办" : "督办"}</strong>
          ${e.departmentName && html`<span>${e.departmentName}</span>`}
          <span class="actor">${actorName(e.actor)}</span>
          <time datetime=${e.at}>${formatTime(e.at ?? e.createdAt)}</time>
        </div>
        ${(e.note ?? e.text) && html`<p class="note">${e.note ?? e.text}</p>`}
      </li>`;
    })}
  </ol>`;
}

export function SupervisePage({ route, departmentName, categoryName }) {
  useTitle("督办");
  const section = SECTIONS.some(([name]) => name === route.query.view) ? route.query.view : "overdue";
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const load = useCallback(async () => {
    if (section === "history") return;
    try {
      setData(await loadInbox({ tab: section, limit: 100, offset: 0 }));
      setError("");
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    }
  }, [section]);
  useEffect(() => {
    setData(null);
    load();
  }, [load]);
  usePolling(load, 15_000, [load]);
  const counts = data?.counts ?? {};
  return html`<section>
    <h1>督办</h1>
    <nav class="tabs" aria-label="督办分类">
      ${SECTIONS.map(
        ([
          name,
          label,
        ]) => html`<a href=${`${ROOT}supervise?view=${name}`} aria-current=${name === section ? "page" : undefined}>
          ${label}${counts[name] !== undefined && html` <span class="count">${counts[name]}</span>`}
        </a>`,
      )}
    </nav>
    <${Message} kind="error">${error}<//>
    ${
      section === "history"
        ? html`<div class="card"><${History} /></div>`
        : data === null
          ? !error && html`<${Loading} />`
          : html`<p class="summary">共 ${data.total} 件，按办理时限排序</p>
              <${TicketList} tickets=${data.tickets} departmentName=${departmentName} categoryName=${categoryName}
                caption=${SECTIONS.find(([n]) => n === section)[1]} />`
    }
  </section>`;
}
