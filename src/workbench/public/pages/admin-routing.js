// 管理 · 部门与分派规则 (admins): the departments (add, edit, disable or enable; delete only
// one nothing refers to) and the routing rules in order (add, edit, move up or down, delete).
// Every change is the server's: it checks the input, edits intents/ and reloads, and its
// Chinese message is shown as it is when it refuses.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api, forgetDepartments } from "../api.js";
import { DialogForm, Field, Loading, Message, useApiData } from "../components.js";

/** Words typed one per line or separated by commas, 、 or spaces. */
const words = (text) =>
  String(text ?? "")
    .split(/[\s,，、;；]+/)
    .map((w) => w.trim())
    .filter(Boolean);

/** The dialog opened from a button gives the focus back to it when it closes. */
function useDialog() {
  const [editing, setEditing] = useState(null);
  const opener = useRef(null);
  return {
    editing,
    open: (event, value) => {
      opener.current = event.currentTarget;
      setEditing(value);
    },
    close: () => {
      setEditing(null);
      opener.current?.focus();
    },
  };
}

/** Sends a change; on success says so and reloads, otherwise shows the server's message. */
function useChange(onDone, setError) {
  const [busy, setBusy] = useState(false);
  const send = async (path, options, success) => {
    setBusy(true);
    setError("");
    try {
      await api(path, options);
      onDone(success);
      return true;
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, send };
}

function DepartmentDialog({ department, domains, onClose, onSaved }) {
  const [error, setError] = useState("");
  const { busy, send } = useChange(onSaved, setError);
  const creating = !department.code;
  const submit = (form) => {
    const code = String(form.get("code") ?? "")
      .trim()
      .toUpperCase();
    const name = String(form.get("name") ?? "").trim();
    if ((creating && !code) || !name) return setError("请填写部门代码和名称。");
    const body = {
      name,
      phone: String(form.get("phone") ?? "").trim() || null,
      domains: words(form.get("domains")),
      keywords: words(form.get("keywords")),
    };
    if (creating) send("/admin/departments", { method: "POST", body: { code, ...body } }, `已添加部门“${name}”。`);
    else
      send(`/admin/departments/${encodeURIComponent(department.code)}`, { method: "PATCH", body }, `已保存“${name}”。`);
  };
  return html`<${DialogForm} title=${creating ? "添加部门" : `编辑部门 · ${department.code}`} submitLabel="保存"
    busy=${busy} error=${error} onSubmit=${submit} onCancel=${onClose}>
    ${
      creating &&
      html`<${Field} label="部门代码" id="dept-code" hint="大写字母和数字，如 WG；添加后不能修改">
        <input id="dept-code" name="code" autocomplete="off" aria-describedby="dept-code-hint" />
      <//>`
    }
    <${Field} label="部门名称" id="dept-name"><input id="dept-name" name="name" defaultValue=${department.name ?? ""} /><//>
    <${Field} label="对外电话" id="dept-phone"><input id="dept-phone" name="phone" type="tel" defaultValue=${department.phone ?? ""} /><//>
    <${Field} label="负责领域" id="dept-domains" hint=${`用逗号或空格分隔；已有领域：${domains.join("、")}`}>
      <input id="dept-domains" name="domains" defaultValue=${(department.domains ?? []).join("、")}
        aria-describedby="dept-domains-hint" autocomplete="off" />
    <//>
    <${Field} label="关键词" id="dept-keywords" hint="诉求中出现这些词时派往该部门；每行一个，或用逗号分隔。尽量用具体的词">
      <textarea id="dept-keywords" name="keywords" rows="5" aria-describedby="dept-keywords-hint"
        defaultValue=${(department.keywords ?? []).join("\n")}></textarea>
    <//>
  <//>`;
}

function Departments({ refresh, onChanged }) {
  const { data, error, setError, load } = useApiData("/admin/departments", null, refresh);
  const [notice, setNotice] = useState("");
  const dialog = useDialog();
  const done = (text) => {
    dialog.close();
    setNotice(text);
    forgetDepartments();
    load();
    onChanged();
  };
  const { send } = useChange(done, setError);
  const toggle = (d) =>
    send(
      `/admin/departments/${encodeURIComponent(d.code)}`,
      { method: "PATCH", body: { disabled: !d.disabled } },
      d.disabled ? `已启用“${d.name}”。` : `已停用“${d.name}”：不再向它分派，已有工单照常办理。`,
    );
  const remove = (d) => {
    if (!confirm(`删除部门“${d.name}”？`)) return;
    send(`/admin/departments/${encodeURIComponent(d.code)}`, { method: "DELETE" }, `已删除部门“${d.name}”。`);
  };
  const list = data?.departments;
  return html`<section class="card" aria-labelledby="h-departments">
    <div class="page-head">
      <h2 id="h-departments">部门</h2>
      <button type="button" onClick=${(e) => dialog.open(e, {})}>添加部门</button>
    </div>
    <p class="hint">已有工单的部门不能删除，不再使用时请停用：停用后不再向它分派，已有工单仍可查看办理。</p>
    <${Message} kind="success">${notice}<//>
    <${Message} kind="error">${error}<//>
    ${data === null && !error && html`<${Loading} />`}
    ${
      list &&
      html`<div class="table-scroll"><table class="tickets departments">
        <caption class="visually-hidden">部门</caption>
        <thead><tr><th scope="col">部门</th><th scope="col">负责领域</th><th scope="col">关键词</th>
          <th scope="col">工单</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead>
        <tbody>
          ${list.map(
            (d) => html`<tr key=${d.code}>
              <th scope="row">${d.name}<span class="meta"> ${d.code}${d.code === data.dispatcher ? " · 派单中心" : ""}</span></th>
              <td data-label="负责领域">${d.domains.join("、") || "—"}</td>
              <td data-label="关键词" class="words">
                ${d.keywords.slice(0, 6).join("、") || "—"}${d.keywords.length > 6 ? ` 等 ${d.keywords.length} 个` : ""}
              </td>
              <td data-label="工单">${d.tickets} 件</td>
              <td data-label="状态">${d.disabled ? html`<span class="status status-rejected">已停用</span>` : "启用"}</td>
              <td><div class="row-buttons">
                <button type="button" class="secondary" onClick=${(e) => dialog.open(e, d)} aria-label=${`编辑 ${d.name}`}>编辑</button>
                ${
                  d.code !== data.dispatcher &&
                  html`<button type="button" class="secondary" onClick=${() => toggle(d)}
                    aria-label=${`${d.disabled ? "启用" : "停用"} ${d.name}`}>${d.disabled ? "启用" : "停用"}</button>`
                }
                ${
                  d.tickets === 0 &&
                  d.accounts === 0 &&
                  d.rules.length === 0 &&
                  d.items === 0 &&
                  d.code !== data.dispatcher &&
                  html`<button type="button" class="secondary" onClick=${() => remove(d)} aria-label=${`删除 ${d.name}`}>删除</button>`
                }
              </div></td>
            </tr>`,
          )}
        </tbody>
      </table></div>`
    }
    ${dialog.editing && html`<${DepartmentDialog} department=${dialog.editing} domains=${data?.domains ?? []} onClose=${dialog.close} onSaved=${done} />`}
  </section>`;
}

const CONDITION_LABELS = [
  ["categories", "诉求分类"],
  ["districts", "所在区"],
  ["domains", "领域"],
  ["keywords", "关键词"],
];

function Choices({ legend, name, options, chosen }) {
  return html`<fieldset class="choices columns">
    <legend>${legend}</legend>
    ${options.map(
      ([value, label]) => html`<label class="choice" key=${value}>
        <input type="checkbox" name=${name} value=${value} defaultChecked=${chosen.includes(value)} /> ${label}
      </label>`,
    )}
  </fieldset>`;
}

function RuleDialog({ rule, data, onClose, onSaved }) {
  const [error, setError] = useState("");
  const { busy, send } = useChange(onSaved, setError);
  const creating = !rule.id;
  const submit = (form) => {
    const id = String(form.get("id") ?? "").trim();
    const department = String(form.get("department") ?? "");
    if ((creating && !id) || !department) return setError("请填写规则编号并选择分派部门。");
    const body = {
      department,
      categories: form.getAll("categories").map(String),
      districts: form.getAll("districts").map(String),
      domains: words(form.get("domains")),
      keywords: words(form.get("keywords")),
    };
    if (creating) send("/admin/routing-rules", { method: "POST", body: { id, ...body } }, `已添加规则 ${id}。`);
    else
      send(`/admin/routing-rules/${encodeURIComponent(rule.id)}`, { method: "PUT", body }, `已保存规则 ${rule.id}。`);
  };
  const departments = data.departments.filter((d) => !d.disabled || d.code === rule.department);
  return html`<${DialogForm} title=${creating ? "添加分派规则" : `编辑分派规则 · ${rule.id}`} submitLabel="保存"
    busy=${busy} error=${error} onSubmit=${submit} onCancel=${onClose}>
    ${
      creating &&
      html`<${Field} label="规则编号" id="rule-id" hint="小写字母、数字和横线，如 shared-bikes；添加后不能修改">
        <input id="rule-id" name="id" autocomplete="off" aria-describedby="rule-id-hint" />
      <//>`
    }
    <${Field} label="分派到" id="rule-department">
      <select id="rule-department" name="department" required>
        <option value="">请选择部门</option>
        ${departments.map(
          (d) => html`<option value=${d.code} selected=${d.code === rule.department}>${d.name}（${d.code}）</option>`,
        )}
      </select>
    <//>
    <p class="hint">以下条件至少填一项；填了的条件须全部满足，规则才算匹配。</p>
    <${Choices} legend="诉求分类" name="categories" options=${data.categories.map((c) => [c.code, c.name])}
      chosen=${rule.categories ?? []} />
    <${Choices} legend="所在区" name="districts" options=${data.districts.map((d) => [d, d])} chosen=${rule.districts ?? []} />
    <${Field} label="领域" id="rule-domains" hint=${`用逗号分隔；已有领域：${data.domains.join("、")}`}>
      <input id="rule-domains" name="domains" defaultValue=${(rule.domains ?? []).join("、")} autocomplete="off"
        aria-describedby="rule-domains-hint" />
    <//>
    <${Field} label="关键词" id="rule-keywords" hint="诉求中出现其中任一词即满足；每行一个，或用逗号分隔">
      <textarea id="rule-keywords" name="keywords" rows="3" aria-describedby="rule-keywords-hint"
        defaultValue=${(rule.keywords ?? []).join("\n")}></textarea>
    <//>
  <//>`;
}

function RoutingRules({ refresh }) {
  const { data, error, setError, load } = useApiData("/admin/routing-rules", null, refresh);
  const [notice, setNotice] = useState("");
  const dialog = useDialog();
  const done = (text) => {
    dialog.close();
    setNotice(text);
    load();
  };
  const { busy, send } = useChange(done, setError);
  const names = Object.fromEntries((data?.departments ?? []).map((d) => [d.code, d.name]));
  const categoryNames = Object.fromEntries((data?.categories ?? []).map((c) => [c.code, c.name]));
  const move = (index, by) => {
    const ids = data.rules.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id);
    send(
      "/admin/routing-rules/order",
      { method: "POST", body: { ids } },
      `已将规则 ${id} ${by < 0 ? "上移" : "下移"}。`,
    );
  };
  const remove = (rule) => {
    if (!confirm(`删除分派规则 ${rule.id}？`)) return;
    send(`/admin/routing-rules/${encodeURIComponent(rule.id)}`, { method: "DELETE" }, `已删除规则 ${rule.id}。`);
  };
  const conditions = (rule) =>
    CONDITION_LABELS.filter(([key]) => rule[key])
      .map(
        ([key, label]) =>
          `${label}：${rule[key].map((v) => (key === "categories" ? (categoryNames[v] ?? v) : v)).join("、")}`,
      )
      .join("；");
  return html`<section class="card" aria-labelledby="h-rules">
    <div class="page-head">
      <h2 id="h-rules">分派规则</h2>
      <button type="button" onClick=${(e) => dialog.open(e, {})} disabled=${!data?.rules}>添加规则</button>
    </div>
    <p class="hint">新诉求先按这些规则分派：条件越多的规则越优先，条件一样多时取排在前面的一条；都不匹配时按部门关键词和领域分派，仍无法确定的交派单中心。修改后立即生效。</p>
    <${Message} kind="success">${notice}<//>
    <${Message} kind="error">${error}<//>
    ${data === null && !error && html`<${Loading} />`}
    ${
      data?.rules &&
      html`<div class="table-scroll"><table class="tickets rules">
        <caption class="visually-hidden">分派规则，按先后顺序</caption>
        <thead><tr><th scope="col">顺序</th><th scope="col">规则</th><th scope="col">条件</th>
          <th scope="col">分派到</th><th scope="col">操作</th></tr></thead>
        <tbody>
          ${data.rules.map(
            (rule, i) => html`<tr key=${rule.id}>
              <td data-label="顺序">${i + 1}</td>
              <th scope="row">${rule.id}</th>
              <td data-label="条件" class="words">${conditions(rule)}</td>
              <td data-label="分派到">${names[rule.department] ?? rule.department}</td>
              <td><div class="row-buttons">
                <button type="button" class="secondary" disabled=${busy || i === 0} onClick=${() => move(i, -1)}
                  aria-label=${`上移规则 ${rule.id}`}>上移</button>
                <button type="button" class="secondary" disabled=${busy || i === data.rules.length - 1}
                  onClick=${() => move(i, 1)} aria-label=${`下移规则 ${rule.id}`}>下移</button>
                <button type="button" class="secondary" onClick=${(e) => dialog.open(e, rule)} aria-label=${`编辑规则 ${rule.id}`}>编辑</button>
                <button type="button" class="secondary" onClick=${() => remove(rule)} aria-label=${`删除规则 ${rule.id}`}>删除</button>
              </div></td>
            </tr>`,
          )}
        </tbody>
      </table></div>`
    }
    ${dialog.editing && html`<${RuleDialog} rule=${dialog.editing} data=${data} onClose=${dialog.close} onSaved=${done} />`}
  </section>`;
}

/** Both parts; a department change reloads the rules' department list too. */
export function DepartmentsAndRules() {
  const [changed, setChanged] = useState(0);
  return html`<${Departments} onChanged=${() => setChanged((n) => n + 1)} />
    <${RoutingRules} refresh=${changed} />`;
}
