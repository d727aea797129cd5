// 登录: username and password; polite Chinese errors (wrong password, lockout, network).
import { html } from "/assets/vendor/htm-preact.mjs";
import { useState } from "/assets/vendor/preact-hooks.mjs";
import { login } from "../api.js";
import { Message, useTitle } from "../components.js";

export function LoginPage({ notice, onLogin }) {
  useTitle("登录");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get("username") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!username || !password) {
      setError("请填写用户名和密码。");
      return;
    }
    setBusy(true);
    setError("");
    try {
      onLogin(await login(username, password));
    } catch (failure) {
      setError(failure.message);
      setBusy(false);
    }
  };
  return html`<main class="login-page" id="main">
    <form class="login-card" onSubmit=${submit} novalidate>
      <h1>部门工作台</h1>
      <p class="subtitle">政务服务便民热线 · 工单办理</p>
      <${Message} kind="info">${notice}<//>
      <div class="field">
        <label for="login-username">用户名</label>
        <input id="login-username" name="username" autocomplete="username" autofocus required />
      </div>
      <div class="field">
        <label for="login-password">密码</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required />
      </div>
      <${Message} kind="error">${error}<//>
      <button type="submit" class="wide" disabled=${busy}>${busy ? "正在登录…" : "登录"}</button>
    </form>
  </main>`;
}
