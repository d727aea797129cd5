// The ticket's action buttons and their forms. A button is shown only when the server lists
// its action in allowedActions; each form asks for what that action needs.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api, departments } from "./api.js";
import { DialogForm, Field, Message } from "./components.js";
import { ACTION_LABELS, RETURN_REASONS, VERDICTS } from "./labels.js";

/**
 * Each action's fields: [name, label, kind, hint] with kind text | textarea | date | department |
 * returnReason | reply | verdict. A field with a hint may stay empty.
 */
const FORMS = {
  resolve: [["reply", "答复内容", "reply"]],
  transfer: [
    ["departmentCode", "转至部门", "department"],
    ["reason", "转办原因", "textarea"],
  ],
  return: [
    ["reasonCode", "退单原因", "returnReason"],
    ["reason", "退单说明", "textarea", "选“其他”时必填"],
  ],
  suspend: [["reason", "挂起原因", "textarea"]],
  request_extension: [
    ["newDeadline", "延期至", "date"],
    ["reason", "延期理由", "textarea"],
  ],
  refuse_extension: [["note", "不予延期的理由", "textarea", "选填"]],
  note: [["text", "备注内容", "textarea"]],
  merge: [
    ["parentNumber", "主工单号", "text"],
    ["reason", "并案理由", "textarea"],
  ],
  supervise: [["note", "督办意见", "textarea"]],
  reopen: [["reason", "重办原因", "textarea"]],
  reassign: [
    ["departmentCode", "改派至部门", "department"],
    ["reason", "改派原因", "textarea"],
  ],
  reject: [["reason", "不予受理的理由", "textarea"]],
};

/** 办结 by kind: a suggestion needs its verdict (采纳意见); praise is acknowledged, the reply optional. */
const RESOLVE_FORMS = {
  suggestion: [
    ["verdict", "采纳意见", "verdict"],
    ["reply", "答复内容", "reply"],
  ],
  praise: [["reply", "答复内容", "reply", "选填：如需要，可写下对群众的答谢。"]],
};

/** The form of an action on this ticket. */
function formOf(action, ticket) {
  return (action === "resolve" && RESOLVE_FORMS[ticket.kind]) || FORMS[action];
}

/** Fields that may stay empty (the server checks the rest, e.g. 退单说明 for 其他). */
const OPTIONAL = { return: ["reason"], refuse_extension: ["note"] };

function isOptional(action, field) {
  return OPTIONAL[action]?.includes(field[0]) || (field[2] === "reply" && !!field[3]);
}

/** Runs an action; resolves with the ticket as the server now has it. */
export async function runAction(ticket, action, values) {
  const path = `/tickets/${encodeURIComponent(ticket.number)}`;
  if (action === "note") return api(`${path}/notes`, { method: "POST", body: { text: values.text } });
  return api(`${path}/actions`, { method: "POST", body: { action, ...values, expectedVersion: ticket.version } });
}

/**
 * A department picker. `value`: the one chosen at first (kept in the list even if disabled
 * since); `optional`: the first option is "none" (an account of a citywide role).
 */
export function DepartmentPicker({ id, name, exclude, value = "", optional = false }) {
  const [list, setList] = useState(null);
  useEffect(() => {
    departments().then(setList, () => setList([]));
  }, []);
  if (list === null) return html`<select id=${id} name=${name} disabled><option>正在加载部门…</option></select>`;
  const options = list.filter((d) => d.code !== exclude && (!d.disabled || d.code === value));
  return html`<select id=${id} name=${name} required=${!optional} value=${value}>
    <option value="">${optional ? "不属于部门（全市）" : "请选择部门"}</option>
    ${options.map(
      (d) => html`<option value=${d.code}>${d.name}（${d.code}）${d.disabled ? "（已停用）" : ""}</option>`,
    )}
  </select>`;
}

/** 常用语: reply templates that fill the reply box; hidden when the API has none. */
function ReplyField({ id, ticket, hint }) {
  const [templates, setTemplates] = useState([]);
  const box = useRef(null);
  useEffect(() => {
    api("/reply-templates")
      .then((result) => setTemplates(result.templates ?? []))
      .catch(() => setTemplates([]));
  }, []);
  const usable = templates.filter((t) => !t.departmentCode || t.departmentCode === ticket.departmentCode);
  const pick = (event) => {
    const chosen = usable.find((t) => String(t.id) === event.currentTarget.value);
    if (chosen) {
      box.current.value = chosen.text;
      box.current.focus();
    }
  };
  return html`<div class="field">
    <label for=${id}>答复内容</label>
    <textarea id=${id} name="reply" rows="6" required=${!hint} ref=${box} aria-describedby=${`${id}-hint`}></textarea>
    <p class="hint" id=${`${id}-hint`}>${hint ?? (ticket.kind === "suggestion" ? "群众将收到采纳意见和这段答复，请写明理由。" : "群众将收到这段答复，请写清办理结果。")}</p>
    ${
      usable.length > 0 &&
      html`<label for=${`${id}-templates`} class="inline-label">常用语</label>
        <select id=${`${id}-templates`} onChange=${pick}>
          <option value="">选择常用语填入答复…</option>
          ${usable.map((t) => html`<option value=${t.id}>${t.title}</option>`)}
        </select>`
    }
  </div>`;
}

function FormField({ field: [name, label, kind, hint], ticket }) {
  const id = `action-${name}`;
  switch (kind) {
    case "reply":
      return html`<${ReplyField} id=${id} ticket=${ticket} hint=${hint} />`;
    case "verdict":
      return html`<fieldset class="choices">
        <legend>${label}</legend>
        ${VERDICTS.map(
          ([value, text]) => html`<label class="choice">
            <input type="radio" name=${name} defaultValue=${value} required /> ${text}
          </label>`,
        )}
      </fieldset>`;
    case "textarea":
      return html`<${Field} label=${label} id=${id} hint=${hint}>
        <textarea id=${id} name=${name} rows="4" required=${!hint} aria-describedby=${hint && `${id}-hint`}></textarea>
      <//>`;
    case "date":
      return html`<${Field} label=${label} id=${id}><input id=${id} name=${name} type="date" required /><//>`;
    case "department":
      return html`<${Field} label=${label} id=${id}>
        <${DepartmentPicker} id=${id} name=${name} exclude=${ticket.departmentCode} />
      <//>`;
    case "returnReason":
      return html`<fieldset class="choices">
        <legend>${label}</legend>
        ${RETURN_REASONS.map(
          ([value, text], i) => html`<label class="choice">
            <input type="radio" name=${name} defaultValue=${value} required defaultChecked=${i === 0} /> ${text}
          </label>`,
        )}
      </fieldset>`;
    default:
      return html`<${Field} label=${label} id=${id}><input id=${id} name=${name} required autocomplete="off" /><//>`;
  }
}

/** The buttons for allowedActions, in a fixed order; forms open in a dialog. */
export function ActionBar({ ticket, onDone, onConflict }) {
  const [open, setOpen] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const opener = useRef(null);
  const allowed = new Set(ticket.allowedActions ?? []);
  const actions = Object.keys(ACTION_LABELS).filter((a) => allowed.has(a));

  const finish = () => {
    setOpen(null);
    setBusy(false);
    setError("");
    // Back to the button that opened the form; when the action removed it, to the ticket's heading.
    if (opener.current?.isConnected) opener.current.focus();
    else document.getElementById("ticket-heading")?.focus();
  };
  const submit = async (action, values) => {
    setBusy(true);
    setError("");
    try {
      const updated = await runAction(ticket, action, values);
      setOpen(null);
      setBusy(false);
      setError("");
      onDone(action, updated);
      // After the page shows the new state: focus the opener if it is still there, else the heading.
      setTimeout(() => {
        if (opener.current?.isConnected) opener.current.focus();
        else document.getElementById("ticket-heading")?.focus();
      });
    } catch (failure) {
      setBusy(false);
      if (failure.status === 409) {
        finish();
        onConflict();
      } else if (failure.status !== 401) setError(failure.message);
    }
  };
  const click = (action, event) => {
    opener.current = event.currentTarget;
    if (formOf(action, ticket)) setOpen(action);
    else submit(action, {});
  };
  const fromForm = (action, form) => {
    const values = {};
    for (const field of formOf(action, ticket)) {
      const [name, label, kind] = field;
      const value = String(form.get(name) ?? "").trim();
      if (!value && !isOptional(action, field))
        return setError(kind === "verdict" ? `请选择“${label}”。` : `请填写“${label}”。`);
      if (value) values[name] = value;
    }
    if (action === "return" && values.reasonCode === "other" && !values.reason)
      return setError("选“其他”时请填写退单说明。");
    submit(action, values);
  };

  if (actions.length === 0) return html`<p class="hint">当前没有可执行的操作。</p>`;
  return html`<div class="actions" role="group" aria-label="工单操作">
    ${actions.map(
      (
        action,
      ) => html`<button key=${action} type="button" class=${action === "accept" || action === "resolve" ? "" : "secondary"}
        disabled=${busy} onClick=${(event) => click(action, event)}>${ACTION_LABELS[action]}</button>`,
    )}
    ${!open && error && html`<${Message} kind="error">${error}<//>`}
    ${
      open &&
      html`<${DialogForm} title=${`${ACTION_LABELS[open]} · ${ticket.number}`} submitLabel=${`确认${ACTION_LABELS[open]}`}
        busy=${busy} error=${error} onCancel=${finish} onSubmit=${(form) => fromForm(open, form)}>
        ${formOf(open, ticket).map((field) => html`<${FormField} key=${field[0]} field=${field} ticket=${ticket} />`)}
      <//>`
    }
  </div>`;
}
