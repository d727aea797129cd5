// Shared pieces of every page: the header with who is logged in, messages, a modal form
// (native <dialog>: Escape cancels, focus stays inside, the first field is focused), data
// loaded from the API, polling.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useCallback, useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "./api.js";
import { KIND_NAMES, ROLE_NAMES } from "./labels.js";
import { ROOT } from "./router.js";

/** Navigation per role; the server still decides what each page may show. */
function navItems(role) {
  const items = [["", "工单列表", "inbox"]];
  if (role === "dispatcher" || role === "admin") items.push(["dispatch", "派单中心", "dispatch"]);
  if (role === "dispatcher" || role === "admin") items.push(["handoff", "人工服务", "handoff"]);
  if (role === "supervisor" || role === "admin") items.push(["supervise", "督办", "supervise"]);
  items.push(["dashboard", "统计", "dashboard"]);
  if (role === "analyst" || role === "supervisor" || role === "admin") items.push(["opinion", "民意洞察", "opinion"]);
  if (role === "admin") items.push(["admin", "管理", "admin"]);
  return items;
}

export function Header({ staff, page, pages, departmentName, onLogout }) {
  const role = ROLE_NAMES[staff.role] ?? staff.role;
  const where = staff.departmentCode ? departmentName(staff.departmentCode) : "全市";
  return html`<header class="top">
    <div class="top-row">
      <a class="brand" href=${ROOT}>部门工作台</a>
      <div class="who" aria-label="当前登录">
        <span class="who-name">${staff.displayName || staff.username}</span>
        <span class="who-role">${role} · ${where}</span>
      </div>
      <div class="top-actions">
        <a class="link-button" href=${`${ROOT}password`}>修改密码</a>
        <button type="button" class="secondary" onClick=${onLogout}>退出</button>
      </div>
    </div>
    <nav class="nav" aria-label="主导航">
      ${navItems(staff.role)
        .filter(([, , name]) => pages.includes(name))
        .map(
          ([path, label, name]) =>
            html`<a href=${ROOT + path} aria-current=${page === name ? "page" : undefined}>${label}</a>`,
        )}
    </nav>
  </header>`;
}

export function Message({ kind = "info", children }) {
  if (!children) return null;
  return html`<p class=${`message ${kind}`} role=${kind === "error" ? "alert" : "status"}>${children}</p>`;
}

/** A modal form. onSubmit gets the FormData; Escape or 取消 calls onCancel. */
export function DialogForm({ title, submitLabel, busy, error, onSubmit, onCancel, children }) {
  const dialog = useRef(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element.open) element.showModal();
    const first = element.querySelector("input:not([type=hidden]), select, textarea");
    (first ?? element.querySelector("button"))?.focus();
  }, []);
  const submit = (event) => {
    event.preventDefault();
    onSubmit(new FormData(event.currentTarget));
  };
  const cancel = (event) => {
    event.preventDefault();
    onCancel();
  };
  return html`<dialog ref=${dialog} class="dialog" aria-labelledby="dialog-title" onCancel=${cancel}>
    <form onSubmit=${submit}>
      <h2 id="dialog-title">${title}</h2>
      ${children}
      <${Message} kind="error">${error}<//>
      <div class="dialog-buttons">
        <button type="submit" disabled=${busy}>${busy ? "正在提交…" : submitLabel}</button>
        <button type="button" class="secondary" onClick=${onCancel}>取消</button>
      </div>
    </form>
  </dialog>`;
}

/** A labelled field: label above, input below, optional hint. */
export function Field({ label, id, hint, children }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
  </div>`;
}

/** 投诉 / 求助 / 建言 / 表扬: what a ticket is about, as a small label. */
export function KindLabel({ kind }) {
  if (!kind) return null;
  return html`<span class=${`kind kind-${kind}`}>${KIND_NAMES[kind] ?? kind}</span>`;
}

export function Loading({ text = "正在加载…" }) {
  return html`<p class="loading" role="status">${text}</p>`;
}

/** Sets document.title for the page. */
export function useTitle(title) {
  useEffect(() => {
    document.title = `${title} · 部门工作台`;
  }, [title]);
}

/** Calls fn every `ms` while the browser tab is visible, and at once when it becomes visible again. */
export function usePolling(fn, ms, deps) {
  useEffect(() => {
    let timer;
    const schedule = () => {
      clearInterval(timer);
      if (document.visibilityState === "visible") timer = setInterval(fn, ms);
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") fn();
      schedule();
    };
    schedule();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, deps);
}

/**
 * Data a page keeps fresh: loaded at once, then every `ms` while the browser tab is visible
 * (usePolling). A failed refresh keeps what is shown and says why.
 */
export function usePolledData(fetcher, ms) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const load = useCallback(async () => {
    try {
      setData(await fetcher());
      setError("");
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    }
  }, []);
  useEffect(() => {
    load();
  }, [load]);
  usePolling(load, ms, [load]);
  return { data, error, setError, load };
}

/**
 * Loads `path` from the API when the page opens (and again when `refresh` changes, or on
 * load()): data is null while loading, `empty` after a failure, whose message is in error
 * (a 401 is the session's: app.js shows the login page).
 */
export function useApiData(path, empty, refresh) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const load = useCallback(async () => {
    try {
      setData(await api(path));
      setError("");
    } catch (failure) {
      setData(empty);
      if (failure.status !== 401) setError(failure.message);
    }
  }, [path]);
  useEffect(() => {
    load();
  }, [load, refresh]);
  return { data, error, setError, load };
}
