// The department API client. The session token lives in sessionStorage (one tab, gone when
// the tab closes) and travels only in the Authorization header — never in a cookie — so a
// form on another site cannot act with it (no CSRF). Any 401 ends the session and sends the
// user back to the login page with a polite message.

const TOKEN_KEY = "govhub.workbench.token";
const STAFF_KEY = "govhub.workbench.staff";
const BASE = "/api/staff";

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let expiredHandler = () => {};
/** What to do when the server says the session is over (set by the app shell). */
export function onSessionExpired(handler) {
  expiredHandler = handler;
}

export function session() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const staff = sessionStorage.getItem(STAFF_KEY);
  return token && staff ? { token, staff: JSON.parse(staff) } : null;
}

export function saveSession(token, staff) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(STAFF_KEY, JSON.stringify(staff));
}

export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(STAFF_KEY);
  departmentsCache = undefined; // the next member of staff may see other departments
}

/** Fields the server names in a 400 ("body.reason is required"), in words a user knows. */
const FIELD_NAMES = {
  "body.reason": "原因",
  "body.reply": "答复内容",
  "body.departmentCode": "部门",
  "body.parentNumber": "主工单号",
  "body.note": "备注",
  "body.text": "内容",
  "body.newDeadline": "延期至",
  "body.newPassword": "新密码",
  "body.currentPassword": "当前密码",
  "body.username": "用户名",
  "body.password": "密码",
  "body.displayName": "姓名",
  "body.code": "部门代码（大写字母和数字，如 WG）",
  "body.name": "部门名称",
  "body.phone": "对外电话",
  "body.id": "规则编号（小写字母、数字和横线）",
  "body.title": "标题",
  "querystring.phone": "手机号",
  "querystring.q": "工单号或内容",
  "querystring.from": "登记日期",
  "querystring.to": "登记日期",
};

function chineseMessage(status, body) {
  const serverText = typeof body?.message === "string" ? body.message : "";
  // The server's own Chinese messages (login lockout, rate limits, account rules) are shown as
  // they are, without a leading field name ("body.newPassword: 密码太短").
  if (/[\u4e00-\u9fff]/.test(serverText)) return serverText.replace(/^[\w.]+: /, "");
  switch (status) {
    case 400: {
      const field = FIELD_NAMES[body?.field];
      return field ? `请检查“${field}”是否填写正确。` : "填写的内容有误，请检查后再试。";
    }
    case 403:
      return "您没有权限进行这项操作。";
    case 404:
      return "未找到该内容，或您无权查看。";
    case 409:
      return "工单已被他人更新或当前状态不允许此操作，已为您刷新，请确认后再试。";
    case 413:
      return "内容太长，请精简后再试。";
    case 429:
      return "操作过于频繁，请稍后再试。";
    default:
      return status >= 500 ? "服务器暂时无法处理，请稍后再试。" : `请求未成功（${status}）。`;
  }
}

/** Calls the department API; resolves with the JSON body (or the Response when raw). */
export async function api(path, { method = "GET", body, raw = false, signal, base = BASE } = {}) {
  const current = session();
  const headers = {};
  if (current) headers.authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      signal,
    });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiError(0, "网络连接失败，请检查网络后重试。");
  }
  if (response.status === 401 && current) {
    clearSession();
    expiredHandler();
    throw new ApiError(401, "登录已过期，请重新登录");
  }
  if (!response.ok) {
    const payload = await response.json().catch(() => ({}));
    throw new ApiError(response.status, chineseMessage(response.status, payload), payload);
  }
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

/** Builds a query string from the set values of an object (arrays repeat the key). */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The public-opinion API (民意洞察): the same session, under /api/opinion. */
export const OPINION_BASE = "/api/opinion";
export function opinionApi(path, options = {}) {
  return api(path, { ...options, base: OPINION_BASE });
}

/** Downloads a file from the API with the bearer header (a plain link could not send it). */
export async function download(path, filename, { base = BASE } = {}) {
  const response = await api(path, { raw: true, base });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function login(username, password) {
  let response;
  try {
    response = await fetch(`${BASE}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, "网络连接失败，请检查网络后重试。");
  }
  const payload = await response.json().catch(() => ({}));
  if (response.ok) {
    saveSession(payload.token, payload.staff);
    return payload.staff;
  }
  if (response.status === 401) throw new ApiError(401, "用户名或密码不正确，请重新输入。");
  if (response.status === 429) {
    const wait = Number(response.headers.get("retry-after"));
    const minutes = Number.isFinite(wait) && wait > 0 ? Math.ceil(wait / 60) : 15;
    throw new ApiError(429, `登录失败次数过多，账号已暂时锁定，请在 ${minutes} 分钟后再试。`);
  }
  if (response.status === 400) throw new ApiError(400, "请填写用户名和密码。");
  throw new ApiError(response.status, chineseMessage(response.status, payload));
}

export async function logout() {
  try {
    if (session()) await api("/logout", { method: "POST" });
  } finally {
    clearSession();
  }
}

/** One request per page load, shared by every picker (a promise, so parallel callers wait for it). */
let departmentsCache;
/**
 * Every department, [{code, name, disabled?}] (GET /api/staff/departments): disabled ones
 * (停用) too, for their tickets' names; pickers leave them out.
 */
export function departments() {
  departmentsCache ??= api("/departments").then(
    (result) => result.departments,
    (error) => {
      departmentsCache = undefined; // asked again next time
      throw error;
    },
  );
  return departmentsCache;
}

const departmentWatchers = new Set();
/** Calls `watcher` after an admin changed the departments; returns the call that stops it. */
export function onDepartmentsChanged(watcher) {
  departmentWatchers.add(watcher);
  return () => departmentWatchers.delete(watcher);
}

/** After an admin changed the departments: the next picker asks again, and the names are reloaded. */
export function forgetDepartments() {
  departmentsCache = undefined;
  for (const watcher of departmentWatchers) watcher();
}

let categoriesCache;
/** Complaint categories' Chinese names, from the public Open311 service list. */
export async function categories() {
  if (categoriesCache) return categoriesCache;
  try {
    const response = await fetch("/open311/v2/services.json", { credentials: "omit" });
    const services = response.ok ? await response.json() : [];
    categoriesCache = services.map((s) => ({ code: s.service_code, name: s.service_name }));
  } catch {
    categoriesCache = [];
  }
  return categoriesCache;
}
