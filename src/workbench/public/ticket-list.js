// A list of tickets: a table on a desk, cards on a phone (CSS). Optional checkboxes.
import { html } from "/assets/vendor/htm-preact.mjs";
import { KindLabel } from "./components.js";
import { formatTime, STATUS_NAMES, timeLeft } from "./labels.js";
import { ROOT } from "./router.js";

function excerpt(text, max = 60) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function TicketList({
  tickets,
  departmentName,
  categoryName,
  selected,
  onToggle,
  caption,
  showDepartment = true,
}) {
  if (tickets.length === 0) return html`<p class="empty">没有符合条件的工单。</p>`;
  const selectable = !!onToggle;
  return html`<table class="tickets">
    <caption class="visually-hidden">${caption}</caption>
    <thead>
      <tr>
        ${selectable && html`<th scope="col"><span class="visually-hidden">选择</span></th>`}
        <th scope="col">工单号</th>
        <th scope="col">诉求内容</th>
        <th scope="col">分类</th>
        ${showDepartment && html`<th scope="col">承办部门</th>`}
        <th scope="col">状态</th>
        <th scope="col">剩余时间</th>
        <th scope="col">登记时间</th>
      </tr>
    </thead>
    <tbody>
      ${tickets.map((t) => {
        const left = timeLeft(t);
        return html`<tr key=${t.number} class=${left.level}>
          ${
            selectable &&
            html`<td class="select">
              <input type="checkbox" id=${`pick-${t.number}`} checked=${selected.has(t.number)}
                onChange=${() => onToggle(t.number)} aria-label=${`选择工单 ${t.number}`} />
            </td>`
          }
          <td class="number"><a href=${`${ROOT}tickets/${encodeURIComponent(t.number)}`}>${t.number}</a></td>
          <td class="text"><${KindLabel} kind=${t.kind} /> ${excerpt(t.text)}</td>
          <td data-label="分类">${[t.category && categoryName(t.category), t.district].filter(Boolean).join(" · ") || "—"}</td>
          ${showDepartment && html`<td data-label="承办部门">${departmentName(t.departmentCode)}</td>`}
          <td data-label="状态"><span class=${`status status-${t.status}`}>${STATUS_NAMES[t.status] ?? t.statusLabel}</span></td>
          <td data-label="剩余时间" class=${`left ${left.level}`}>${left.text}</td>
          <td data-label="登记时间">${formatTime(t.createdAt)}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
