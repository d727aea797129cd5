// 工单列表: tabs with counts, search, sorted by deadline, paged, refreshed every 15 s
// while the browser tab is visible.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useCallback, useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { departments } from "../api.js";
import { Field, Loading, Message, usePolling, useTitle } from "../components.js";
import { loadInbox, tabsFor } from "../inbox-data.js";
import { Notices } from "../notices.js";
import { navigate, ROOT } from "../router.js";
import { TicketList } from "../ticket-list.js";

const PAGE_SIZE = 20;
/** The inbox's kind filters (the API's `kind`), as the chip names them. */
const KIND_CHIPS = { work: "投诉、求助和建言（不含表扬）", praise: "表扬" };

function inboxUrl(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, String(value));
  const text = search.toString();
  return `${ROOT}${text ? `?${text}` : ""}`;
}

export function InboxPage({ route, staff, departmentName, categoryName }) {
  useTitle("工单列表");
  const q = route.query;
  const tabs = tabsFor(staff.role);
  const tab = tabs.some(([name]) => name === q.tab) ? q.tab : "pending";
  const page = Math.max(1, Number(q.page) || 1);
  const filters = {
    q: q.q ?? "",
    phone: q.phone ?? "",
    from: q.from ?? "",
    to: q.to ?? "",
    department: q.department ?? "",
    // From the 统计 page's 办结量: only tickets the department has answered.
    resolved: q.resolved === "true" ? "true" : "",
    // From 统计: the work its figures count (受理量 …), or the praise (表扬数).
    kind: KIND_CHIPS[q.kind] ? q.kind : "",
  };
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const [updatedAt, setUpdatedAt] = useState(null);
  const latest = useRef(0);
  const showPhone = staff.role === "staff";
  // On a phone the less used filters fold away behind 更多条件 (always shown on a desk).
  const [moreOpen, setMoreOpen] = useState(!!(filters.phone || filters.from || filters.to || filters.department));
  const [known, setKnown] = useState([]);
  useEffect(() => {
    if (!showPhone) departments().then(setKnown, () => setKnown([]));
  }, [showPhone]);

  const load = useCallback(async () => {
    const call = ++latest.current;
    try {
      const result = await loadInbox({
        tab,
        q: filters.q,
        phone: showPhone ? filters.phone : "",
        from: filters.from,
        to: filters.to,
        department: filters.department,
        resolved: filters.resolved,
        kind: filters.kind,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      if (call !== latest.current) return;
      setData(result);
      setError("");
      setUpdatedAt(new Date());
    } catch (failure) {
      if (call !== latest.current || failure.status === 401) return;
      setError(failure.message);
    }
  }, [
    tab,
    page,
    filters.q,
    filters.phone,
    filters.from,
    filters.to,
    filters.department,
    filters.resolved,
    filters.kind,
  ]);

  useEffect(() => {
    load();
  }, [load]);
  usePolling(load, 15_000, [load]);

  const go = (changes) => navigate(inboxUrl({ tab, ...filters, page, ...changes }), { replace: true });
  const search = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name) => String(form.get(name) ?? "").trim();
    go({
      q: value("q"),
      phone: value("phone"),
      department: value("department"),
      from: value("from"),
      to: value("to"),
      page: 1,
    });
  };
  const reset = () => navigate(inboxUrl({ tab }), { replace: true });

  const counts = data?.counts ?? {};
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const tabLabel = tabs.find(([name]) => name === tab)?.[1];

  return html`<section>
    <div class="page-head">
      <h1>工单列表</h1>
      ${updatedAt && html`<p class="updated">每 15 秒自动刷新 · 更新于 ${updatedAt.toLocaleTimeString("zh-CN", { hour12: false })}</p>`}
    </div>
    <${Notices} />
    <nav class="tabs" aria-label="工单分类">
      ${tabs.map(
        ([name, label]) => html`<a href=${inboxUrl({ tab: name, ...filters })}
          aria-current=${name === tab ? "page" : undefined}>
          ${label}${counts[name] !== undefined && html` <span class="count">${counts[name]}</span>`}
        </a>`,
      )}
    </nav>
    <form class="search" role="search" aria-label="查找工单" onSubmit=${search}
      key=${JSON.stringify(filters)}>
      <${Field} label="工单号或内容" id="search-q">
        <input id="search-q" name="q" type="search" defaultValue=${filters.q} placeholder="如 GD20261122-000123 或 路灯" />
      <//>
      <button type="button" class="secondary more-toggle" aria-expanded=${moreOpen ? "true" : "false"}
        aria-controls="more-filters" onClick=${() => setMoreOpen(!moreOpen)}>
        ${moreOpen ? "收起条件" : "更多条件"}
      </button>
      <div id="more-filters" class=${`more-filters${moreOpen ? " open" : ""}`}>
      ${
        showPhone &&
        html`<${Field} label="手机号" id="search-phone">
            <input id="search-phone" name="phone" type="tel" inputmode="numeric" defaultValue=${filters.phone}
              placeholder="可只填后 4 位" />
          <//>`
      }
        ${
          !showPhone &&
          html`<${Field} label="承办部门" id="search-department">
            <input id="search-department" name="department" list="search-department-list" autocomplete="off"
              defaultValue=${filters.department} placeholder="部门代码，如 CG" />
            <datalist id="search-department-list">
              ${known.map((d) => html`<option value=${d.code}>${d.name}</option>`)}
            </datalist>
          <//>`
        }
        <${Field} label="登记日期从" id="search-from">
          <input id="search-from" name="from" type="date" defaultValue=${filters.from} />
        <//>
        <${Field} label="至" id="search-to">
          <input id="search-to" name="to" type="date" defaultValue=${filters.to} />
        <//>
      </div>
      <div class="search-buttons">
        <button type="submit">查询</button>
        <button type="button" class="secondary" onClick=${reset}>清空</button>
      </div>
    </form>
    ${
      filters.department &&
      html`<p class="filter-chip">
        只看：${departmentName(filters.department)}
        <a href=${inboxUrl({ tab, ...filters, department: "" })}>看全部部门</a>
      </p>`
    }
    ${
      filters.resolved &&
      html`<p class="filter-chip">
        只看：已办结（含待评价、复核）的工单
        <a href=${inboxUrl({ tab, ...filters, resolved: "" })}>看全部工单</a>
      </p>`
    }
    ${
      filters.kind &&
      html`<p class="filter-chip">
        只看：${KIND_CHIPS[filters.kind]}
        <a href=${inboxUrl({ tab, ...filters, kind: "" })}>看全部类型</a>
      </p>`
    }
    <${Message} kind="error">${error}<//>
    ${
      data === null
        ? !error && html`<${Loading} />`
        : html`<p class="summary" aria-live="polite">${tabLabel}：共 ${total} 件，按办理时限排序</p>
            <${TicketList} tickets=${data.tickets} departmentName=${departmentName} categoryName=${categoryName}
              showDepartment=${staff.role !== "staff"} caption=${`${tabLabel}工单`} />
            ${
              pages > 1 &&
              html`<nav class="pager" aria-label="分页">
                <button type="button" class="secondary" disabled=${page <= 1} onClick=${() => go({ page: page - 1 })}>上一页</button>
                <span>第 ${page} / ${pages} 页</span>
                <button type="button" class="secondary" disabled=${page >= pages} onClick=${() => go({ page: page + 1 })}>下一页</button>
              </nav>`
            }`
    }
  </section>`;
}
