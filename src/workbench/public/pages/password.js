// 修改密码: POST /api/staff/password {currentPassword, newPassword}.
import { html } from "/assets/vendor/htm-preact.mjs";
import { useState } from "/assets/vendor/preact-hooks.mjs";
import { api } from "../api.js";
import { Field, Message, useTitle } from "../components.js";

export function PasswordPage() {
  useTitle("修改密码");
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const currentPassword = String(form.get("currentPassword") ?? "");
    const newPassword = String(form.get("newPassword") ?? "");
    setDone("");
    if (!currentPassword || !newPassword) return setError("请填写当前密码和新密码。");
    if (newPassword.length < 10) return setError("新密码至少需要 10 个字符。");
    if (newPassword !== form.get("confirm")) return setError("两次输入的新密码不一致。");
    setBusy(true);
    setError("");
    try {
      await api("/password", { method: "POST", body: { currentPassword, newPassword } });
      formElement.reset();
      setDone("密码已修改，下次登录请使用新密码。");
    } catch (failure) {
      if (failure.status === 400 || failure.status === 403)
        setError(failure.body?.field ? failure.message : "当前密码不正确，或新密码不符合要求（至少 10 个字符）。");
      else setError(failure.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="narrow">
    <h1>修改密码</h1>
    <form class="card" onSubmit=${submit} novalidate>
      <${Field} label="当前密码" id="pw-current">
        <input id="pw-current" name="currentPassword" type="password" autocomplete="current-password" />
      <//>
      <${Field} label="新密码" id="pw-new" hint="至少 10 个字符，不要与用户名相同">
        <input id="pw-new" name="newPassword" type="password" autocomplete="new-password" aria-describedby="pw-new-hint" />
      <//>
      <${Field} label="再次输入新密码" id="pw-confirm">
        <input id="pw-confirm" name="confirm" type="password" autocomplete="new-password" />
      <//>
      <${Message} kind="error">${error}<//>
      <${Message} kind="success">${done}<//>
      <button type="submit" disabled=${busy}>${busy ? "正在保存…" : "保存新密码"}</button>
    </form>
  </section>`;
}
