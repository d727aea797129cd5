// 派单中心: the dispatch queue with checkboxes and bulk 改派 to a department; merge
// suggestions (并案建议) with 确认并案 / 不是同一事项.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "../api.js";
import { Field, Loading, Message, useApiData, usePolledData, useTitle } from "../components.js";
import { loadInbox } from "../inbox-data.js";
import { ROOT } from "../router.js";
import { DepartmentPicker } from "../ticket-actions.js";
import { TicketList } from "../ticket-list.js";

function BulkReassign({ selected, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [results, setResults] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const departmentCode = String(form.get("departmentCode") ?? "").trim();
    const reason = String(form.get("reason") ?? "").trim();
    if (selected.size === 0) return setError("请先勾选要改派的工单。");
    if (!departmentCode) return setError("请选择改派至哪个部门。");
    setBusy(true);
    setError("");
    try {
      const result = await api("/tickets/bulk-actions", {
        method: "POST",
        body: { numbers: [...selected], action: "reassign", departmentCode, ...(reason && { reason }) },
      });
      setResults(result.results);
      onDone();
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    } finally {
      setBusy(false);
    }
  };
  const failed = results?.filter((r) => !r.ok) ?? [];
  return html`<form class="bulk card" onSubmit=${submit}>
    <h2>批量改派</h2>
    <div class="bulk-row">
      <${Field} label="改派至部门" id="bulk-department">
        <${DepartmentPicker} id="bulk-department" name="departmentCode" />
      <//>
      <${Field} label="改派原因（选填）" id="bulk-reason">
        <input id="bulk-reason" name="reason" autocomplete="off" />
      <//>
      <button type="submit" disabled=${busy}>${busy ? "正在改派…" : `改派所选 ${selected.size} 件`}</button>
    </div>
    <${Message} kind="error">${error}<//>
    ${
      results &&
      html`<${Message} kind=${failed.length ? "error" : "success"}>
        已改派 ${results.length - failed.length} 件${failed.length ? `，${failed.length} 件未成功：` : "。"}
        ${failed.map((r) => html`<span class="failed-item">${r.number}（${r.error ?? "未成功"}）</span>`)}
      <//>`
    }
  </form>`;
}

function MergeSuggestions() {
  const { data, error, setError, load } = useApiData("/merge-suggestions", { suggestions: [] });
  const suggestions = data?.suggestions ?? null;
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState("");

  const merge = async (s) => {
    setBusy(s.childNumber);
    try {
      await api(`/tickets/${encodeURIComponent(s.childNumber)}/actions`, {
        method: "POST",
        body: { action: "merge", parentNumber: s.parentNumber, reason: `派单中心确认并案：${s.why ?? s.reason}` },
      });
      setNotice(`已将 ${s.childNumber} 并入 ${s.parentNumber}。`);
      await load();
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    } finally {
      setBusy("");
    }
  };
  const dismiss = async (s) => {
    setBusy(s.childNumber);
    try {
      await api("/merge-suggestions/dismiss", {
        method: "POST",
        body: { childNumber: s.childNumber, parentNumber: s.parentNumber },
      });
      setNotice(`已标记 ${s.childNumber} 与 ${s.parentNumber} 不是同一事项。`);
      await load();
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    } finally {
      setBusy("");
    }
  };
  const link = (n) => html`<a href=${`${ROOT}tickets/${encodeURIComponent(n)}`}>${n}</a>`;
  return html`<section class="card" aria-labelledby="h-merge">
    <h2 id="h-merge">并案建议</h2>
    <${Message} kind="success">${notice}<//>
    <${Message} kind="error">${error}<//>
    ${suggestions === null && html`<${Loading} />`}
    ${suggestions?.length === 0 && !error && html`<p class="empty">暂无并案建议。</p>`}
    <ul class="suggestions">
      ${(suggestions ?? []).map(
        (s) => html`<li key=${`${s.childNumber}-${s.parentNumber}`}>
          <p>${link(s.childNumber)} 可能与 ${link(s.parentNumber)} 是同一事项
            <span class="score">相似度 ${Math.round(s.score * 100)}%</span></p>
          <p class="hint">${s.why ?? s.reason}</p>
          <div class="row-buttons">
            <button type="button" disabled=${busy === s.childNumber} onClick=${() => merge(s)}>确认并案</button>
            <button type="button" class="secondary" disabled=${busy === s.childNumber} onClick=${() => dismiss(s)}>不是同一事项</button>
          </div>
        </li>`,
      )}
    </ul>
  </section>`;
}

export function DispatchPage({ departmentName, categoryName }) {
  useTitle("派单中心");
  const { data, error, load } = usePolledData(() => loadInbox({ tab: "dispatch", limit: 100, offset: 0 }), 15_000);
  const [selected, setSelected] = useState(new Set());

  const toggle = (number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(number)) next.delete(number);
      else next.add(number);
      return next;
    });
  const tickets = data?.tickets ?? [];
  const allSelected = tickets.length > 0 && tickets.every((t) => selected.has(t.number));
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(tickets.map((t) => t.number)));
  const afterBulk = () => {
    setSelected(new Set());
    load();
  };

  return html`<section>
    <h1>派单中心</h1>
    <${Message} kind="error">${error}<//>
    <${BulkReassign} selected=${selected} onDone=${afterBulk} />
    <section aria-labelledby="h-queue">
      <div class="page-head">
        <h2 id="h-queue">派单队列${data && `（${data.total} 件）`}</h2>
        ${
          tickets.length > 0 &&
          html`<label class="choice"><input type="checkbox" checked=${allSelected} onChange=${toggleAll} /> 全选</label>`
        }
      </div>
      ${
        data === null
          ? !error && html`<${Loading} />`
          : html`<${TicketList} tickets=${tickets} departmentName=${departmentName} categoryName=${categoryName}
              selected=${selected} onToggle=${toggle} caption="派单队列" />`
      }
    </section>
    <${MergeSuggestions} />
  </section>`;
}
