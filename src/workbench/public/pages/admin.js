// 管理 (admins): staff accounts — list, create, edit role / department / name, disable or
// enable, reset a password; the views of admin-content.js and admin-routing.js. The server
// checks every rule (e.g. never the last admin).
import { html } from "/assets/vendor/htm-preact.mjs";
import { useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "../api.js";
import { DialogForm, Field, Loading, Message, useApiData, useTitle } from "../components.js";
import { formatTime, ROLE_NAMES } from "../labels.js";
import { ROOT } from "../router.js";
import { DepartmentPicker } from "../ticket-actions.js";
import { ReplyTemplates, Unanswered } from "./admin-content.js";
import { DepartmentsAndRules } from "./admin-routing.js";

const VIEWS = [
  ["accounts", "账号"],
  ["templates", "常用语"],
  ["unanswered", "未答问题"],
  ["routing", "部门与分派规则"],
];

const ROLES = Object.entries(ROLE_NAMES);

function RoleSelect({ id, value }) {
  return html`<select id=${id} name="role" required>
    ${ROLES.map(([code, name]) => html`<option value=${code} selected=${code === value}>${name}</option>`)}
  </select>`;
}

function CreateAccount({ onCreated }) {
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const value = (name) => String(form.get(name) ?? "").trim();
    const body = {
      username: value("username"),
      displayName: value("displayName"),
      password: String(form.get("password") ?? ""),
      role: value("role"),
      ...(value("departmentCode") && { departmentCode: value("departmentCode") }),
    };
    setDone("");
    if (!body.username || !body.displayName || !body.password) return setError("请填写用户名、姓名和初始密码。");
    if (body.role === "staff" && !body.departmentCode) return setError("部门工作人员须指定所属部门。");
    setBusy(true);
    setError("");
    try {
      await api("/accounts", { method: "POST", body });
      formElement.reset();
      setDone(`已创建账号 ${body.username}，请将初始密码告知本人并提醒其登录后修改。`);
      onCreated();
    } catch (failure) {
      if (failure.status === 409) setError(`用户名 ${body.username} 已被使用。`);
      else if (failure.status !== 401) setError(failure.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="card account-form" onSubmit=${submit} novalidate aria-labelledby="h-create">
    <h2 id="h-create">新建账号</h2>
    <div class="form-grid">
      <${Field} label="用户名" id="new-username" hint="小写字母、数字、点或横线，如 cg.zhang">
        <input id="new-username" name="username" autocomplete="off" aria-describedby="new-username-hint" />
      <//>
      <${Field} label="姓名" id="new-name"><input id="new-name" name="displayName" autocomplete="off" /><//>
      <${Field} label="初始密码" id="new-password" hint="至少 10 个字符">
        <input id="new-password" name="password" type="password" autocomplete="new-password" aria-describedby="new-password-hint" />
      <//>
      <${Field} label="角色" id="new-role"><${RoleSelect} id="new-role" value="staff" /><//>
      <${Field} label="所属部门" id="new-department">
        <${DepartmentPicker} id="new-department" name="departmentCode" />
      <//>
    </div>
    <${Message} kind="error">${error}<//>
    <${Message} kind="success">${done}<//>
    <button type="submit" disabled=${busy}>${busy ? "正在创建…" : "创建账号"}</button>
  </form>`;
}

function AccountDialog({ account, mode, onClose, onSaved }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const submit = async (form) => {
    const path = `/accounts/${encodeURIComponent(account.username)}`;
    setBusy(true);
    setError("");
    try {
      if (mode === "password") {
        const newPassword = String(form.get("newPassword") ?? "");
        if (newPassword.length < 10) {
          setBusy(false);
          return setError("新密码至少需要 10 个字符。");
        }
        await api(`${path}/reset-password`, { method: "POST", body: { newPassword } });
        onSaved(`已重置 ${account.username} 的密码，其登录已全部退出。`);
      } else {
        const departmentCode = String(form.get("departmentCode") ?? "").trim();
        await api(path, {
          method: "PATCH",
          body: {
            displayName: String(form.get("displayName") ?? "").trim(),
            role: String(form.get("role")),
            departmentCode: departmentCode || null,
          },
        });
        onSaved(`已保存 ${account.username} 的账号信息。`);
      }
    } catch (failure) {
      setBusy(false);
      if (failure.status !== 401) setError(failure.message);
    }
  };
  return html`<${DialogForm} title=${mode === "password" ? `重置密码 · ${account.username}` : `编辑账号 · ${account.username}`}
    submitLabel=${mode === "password" ? "重置密码" : "保存"} busy=${busy} error=${error} onSubmit=${submit} onCancel=${onClose}>
    ${
      mode === "password"
        ? html`<${Field} label="新密码" id="reset-password" hint="至少 10 个字符；重置后该账号的登录全部退出">
            <input id="reset-password" name="newPassword" type="password" autocomplete="new-password" aria-describedby="reset-password-hint" />
          <//>`
        : html`<${Field} label="姓名" id="edit-name"><input id="edit-name" name="displayName" defaultValue=${account.displayName} /><//>
            <${Field} label="角色" id="edit-role"><${RoleSelect} id="edit-role" value=${account.role} /><//>
            <${Field} label="所属部门" id="edit-department" hint="部门工作人员必选；其他角色选“不属于部门（全市）”">
              <${DepartmentPicker} id="edit-department" name="departmentCode" value=${account.departmentCode ?? ""} optional />
            <//>`
    }
  <//>`;
}

function Accounts({ refresh, departmentName }) {
  const { data, error, setError, load } = useApiData("/accounts", { accounts: [] }, refresh);
  const accounts = data?.accounts ?? null;
  const [notice, setNotice] = useState("");
  const [editing, setEditing] = useState(null);
  const opener = useRef(null);
  const open = (event, account, mode) => {
    opener.current = event.currentTarget;
    setEditing({ account, mode });
  };
  const close = () => {
    setEditing(null);
    opener.current?.focus();
  };
  const saved = (text) => {
    close();
    setNotice(text);
    load();
  };
  const toggle = async (account) => {
    try {
      await api(`/accounts/${encodeURIComponent(account.username)}`, {
        method: "PATCH",
        body: { active: !account.active },
      });
      setNotice(account.active ? `已停用 ${account.username}，其登录已全部退出。` : `已启用 ${account.username}。`);
      load();
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    }
  };
  return html`<section class="card" aria-labelledby="h-accounts">
    <h2 id="h-accounts">工作人员账号</h2>
    <${Message} kind="success">${notice}<//>
    <${Message} kind="error">${error}<//>
    ${accounts === null && html`<${Loading} />`}
    ${
      accounts?.length > 0 &&
      html`<div class="table-scroll"><table class="tickets accounts">
        <caption class="visually-hidden">工作人员账号</caption>
        <thead><tr><th scope="col">用户名</th><th scope="col">姓名</th><th scope="col">角色</th>
          <th scope="col">所属部门</th><th scope="col">状态</th><th scope="col">创建时间</th><th scope="col">操作</th></tr></thead>
        <tbody>
          ${accounts.map(
            (a) => html`<tr key=${a.username}>
              <th scope="row">${a.username}</th>
              <td data-label="姓名">${a.displayName}</td>
              <td data-label="角色">${ROLE_NAMES[a.role] ?? a.role}</td>
              <td data-label="所属部门">${a.departmentCode ? departmentName(a.departmentCode) : "全市"}</td>
              <td data-label="状态">${a.active ? "启用" : html`<span class="status status-rejected">已停用</span>`}</td>
              <td data-label="创建时间">${formatTime(a.createdAt)}</td>
              <td><div class="row-buttons">
                <button type="button" class="secondary" onClick=${(e) => open(e, a, "edit")} aria-label=${`编辑 ${a.username}`}>编辑</button>
                <button type="button" class="secondary" onClick=${(e) => open(e, a, "password")} aria-label=${`重置密码：${a.username}`}>重置密码</button>
                <button type="button" class="secondary" onClick=${() => toggle(a)} aria-label=${`${a.active ? "停用" : "启用"} ${a.username}`}>
                  ${a.active ? "停用" : "启用"}
                </button>
              </div></td>
            </tr>`,
          )}
        </tbody>
      </table></div>`
    }
    ${editing && html`<${AccountDialog} ...${editing} onClose=${close} onSaved=${saved} />`}
  </section>`;
}

export function AdminPage({ route, departmentName }) {
  useTitle("管理");
  const [refresh, setRefresh] = useState(0);
  const view = VIEWS.some(([name]) => name === route.query.view) ? route.query.view : "accounts";
  return html`<section>
    <h1>管理</h1>
    <nav class="tabs views" aria-label="管理内容">
      ${VIEWS.map(
        ([name, label]) =>
          html`<a href=${`${ROOT}admin?view=${name}`} aria-current=${name === view ? "page" : undefined}>${label}</a>`,
      )}
    </nav>
    ${
      view === "accounts" &&
      html`<${Accounts} refresh=${refresh} departmentName=${departmentName} />
        <${CreateAccount} onCreated=${() => setRefresh((n) => n + 1)} />`
    }
    ${view === "templates" && html`<${ReplyTemplates} departmentName=${departmentName} />`}
    ${view === "unanswered" && html`<${Unanswered} />`}
    ${view === "routing" && html`<${DepartmentsAndRules} />`}
  </section>`;
}
