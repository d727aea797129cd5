// 管理 · content: reply templates (常用语) and the questions the hub could not answer.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "../api.js";
import { DialogForm, Field, Loading, Message, useApiData } from "../components.js";
import { formatTime } from "../labels.js";

function TemplateDialog({ template, onClose, onSaved }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const submit = async (form) => {
    const title = String(form.get("title") ?? "").trim();
    const text = String(form.get("text") ?? "").trim();
    const departmentCode = String(form.get("departmentCode") ?? "").trim() || null;
    if (!title || !text) return setError("请填写标题和内容。");
    setBusy(true);
    setError("");
    try {
      const body = { title, text, departmentCode };
      if (template.id) await api(`/reply-templates/${encodeURIComponent(template.id)}`, { method: "PUT", body });
      else await api("/reply-templates", { method: "POST", body });
      onSaved(template.id ? `已保存常用语“${title}”。` : `已添加常用语“${title}”。`);
    } catch (failure) {
      setBusy(false);
      if (failure.status !== 401) setError(failure.message);
    }
  };
  return html`<${DialogForm} title=${template.id ? "编辑常用语" : "添加常用语"} submitLabel="保存" busy=${busy}
    error=${error} onSubmit=${submit} onCancel=${onClose}>
    <${Field} label="标题" id="tpl-title"><input id="tpl-title" name="title" defaultValue=${template.title ?? ""} /><//>
    <${Field} label="答复内容" id="tpl-text">
      <textarea id="tpl-text" name="text" rows="6" defaultValue=${template.text ?? ""}></textarea>
    <//>
    <${Field} label="适用部门代码" id="tpl-department" hint="留空则全市各部门通用">
      <input id="tpl-department" name="departmentCode" defaultValue=${template.departmentCode ?? ""} autocomplete="off"
        aria-describedby="tpl-department-hint" />
    <//>
  <//>`;
}

export function ReplyTemplates({ departmentName }) {
  const { data, error, setError, load } = useApiData("/reply-templates", { templates: [] });
  const templates = data?.templates ?? null;
  const [notice, setNotice] = useState("");
  const [editing, setEditing] = useState(null);
  const opener = useRef(null);
  const open = (event, template) => {
    opener.current = event.currentTarget;
    setEditing(template);
  };
  const close = () => {
    setEditing(null);
    opener.current?.focus();
  };
  const remove = async (template) => {
    if (!confirm(`删除常用语“${template.title}”？`)) return;
    try {
      await api(`/reply-templates/${encodeURIComponent(template.id)}`, { method: "DELETE" });
      setNotice(`已删除常用语“${template.title}”。`);
      load();
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    }
  };
  return html`<section class="card" aria-labelledby="h-templates">
    <div class="page-head">
      <h2 id="h-templates">常用语</h2>
      <button type="button" onClick=${(e) => open(e, {})}>添加常用语</button>
    </div>
    <p class="hint">办结时可选用，填入答复内容后仍可修改。</p>
    <${Message} kind="success">${notice}<//>
    <${Message} kind="error">${error}<//>
    ${templates === null && html`<${Loading} />`}
    ${templates?.length === 0 && !error && html`<p class="empty">还没有常用语。</p>`}
    <ul class="templates">
      ${(templates ?? []).map(
        (t) => html`<li key=${t.id}>
          <div class="history-head">
            <strong>${t.title}</strong>
            <span class="meta">${t.departmentCode ? departmentName(t.departmentCode) : "全市通用"}</span>
          </div>
          <p class="note">${t.text}</p>
          <div class="row-buttons">
            <button type="button" class="secondary" onClick=${(e) => open(e, t)} aria-label=${`编辑常用语 ${t.title}`}>编辑</button>
            <button type="button" class="secondary" onClick=${() => remove(t)} aria-label=${`删除常用语 ${t.title}`}>删除</button>
          </div>
        </li>`,
      )}
    </ul>
    ${
      editing &&
      html`<${TemplateDialog} template=${editing} onClose=${close}
        onSaved=${(text) => {
          close();
          setNotice(text);
          load();
        }} />`
    }
  </section>`;
}

export function Unanswered() {
  const { data: report, error, setError } = useApiData("/admin/unanswered?days=30&limit=50", { groups: [] });
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState("");
  const addExample = async (group) => {
    setBusy(group.text);
    try {
      const result = await api("/admin/catalog/examples", {
        method: "POST",
        body: { itemCode: group.closestItem.code, question: group.text },
      });
      setNotice(
        `已将“${group.text}”加入事项“${result.itemName ?? group.closestItem.name}”的示例问法，事项目录已重新加载。`,
      );
    } catch (failure) {
      if (failure.status !== 401) setError(failure.message);
    } finally {
      setBusy("");
    }
  };
  return html`<section class="card" aria-labelledby="h-unanswered">
    <h2 id="h-unanswered">群众问了但没能回答的问题（近 30 天）</h2>
    <${Message} kind="success">${notice}<//>
    <${Message} kind="error">${error}<//>
    ${report === null && html`<${Loading} />`}
    ${report?.groups.length === 0 && !error && html`<p class="empty">近 30 天没有未能回答的问题。</p>`}
    <ol class="templates">
      ${(report?.groups ?? []).map(
        (g) => html`<li key=${g.text}>
          <div class="history-head">
            <strong>${g.text}</strong>
            <span class="meta">${g.count} 次 · 最近 ${formatTime(g.lastAskedAt)}</span>
          </div>
          ${
            g.questions.length > 1 &&
            html`<p class="hint">类似问法：${g.questions.map((q) => `${q.text}（${q.count}）`).join("；")}</p>`
          }
          ${
            g.closestItem &&
            html`<div class="row-buttons">
              <span class="meta">最接近的事项：${g.closestItem.name ?? g.closestItem.code}</span>
              <button type="button" class="secondary" disabled=${busy === g.text} onClick=${() => addExample(g)}>
                加入该事项的示例问法
              </button>
            </div>`
          }
        </li>`,
      )}
    </ol>
  </section>`;
}
