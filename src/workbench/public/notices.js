// 提醒与督办: the staff notices for the caller's department and role (GET /notices):
// reminders at 50% and 80% of the time limit, overdue, 督办, reviews.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useEffect, useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "./api.js";
import { formatTime } from "./labels.js";
import { ROOT } from "./router.js";

const KINDS = { reminder: "催办提醒", overdue: "超期", supervision: "督办", review: "复核" };
const SHOWN = 20;

export function Notices() {
  const [notices, setNotices] = useState([]);
  useEffect(() => {
    api("/notices")
      .then((result) => setNotices(result.notices ?? []))
      .catch(() => setNotices([]));
  }, []);
  if (notices.length === 0) return null;
  const urgent = notices.filter((n) => n.kind === "overdue" || n.kind === "supervision").length;
  return html`<details class="notices card">
    <summary>提醒与督办（${notices.length} 条${urgent ? `，其中超期或督办 ${urgent} 条` : ""}）</summary>
    <ul>
      ${notices.slice(0, SHOWN).map(
        (n, i) => html`<li key=${i}>
          <span class=${`kind kind-${n.kind}`}>${KINDS[n.kind] ?? n.kind}</span>
          <a href=${`${ROOT}tickets/${encodeURIComponent(n.ticketNumber)}`}>${n.ticketNumber}</a>
          <span class="note">${n.text}</span>
          <time class="meta" datetime=${n.at}>${formatTime(n.at)}</time>
        </li>`,
      )}
    </ul>
  </details>`;
}
