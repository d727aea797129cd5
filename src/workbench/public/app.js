// The workbench's entry: keeps the session, draws the header and the current page.
import { html, render } from "/assets/vendor/htm-preact.mjs";
import { useCallback, useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { categories, departments, logout, onDepartmentsChanged, onSessionExpired, session } from "./api.js";
import { Header } from "./components.js";
import { AdminPage } from "./pages/admin.js";
import { DashboardPage } from "./pages/dashboard.js";
import { DispatchPage } from "./pages/dispatch.js";
import { HandoffPage } from "./pages/handoff.js";
import { InboxPage } from "./pages/inbox.js";
import { LoginPage } from "./pages/login.js";
import { OpinionPage } from "./pages/opinion.js";
import { PasswordPage } from "./pages/password.js";
import { SupervisePage } from "./pages/supervise.js";
import { TicketPage } from "./pages/ticket.js";
import { interceptLinks, navigate, useRoute } from "./router.js";

const PAGES = {
  inbox: InboxPage,
  ticket: TicketPage,
  password: PasswordPage,
  dispatch: DispatchPage,
  handoff: HandoffPage,
  supervise: SupervisePage,
  dashboard: DashboardPage,
  admin: AdminPage,
  opinion: OpinionPage,
};

function App() {
  const route = useRoute();
  const [current, setCurrent] = useState(session);
  const [notice, setNotice] = useState("");
  const [names, setNames] = useState({});
  const [categoryNames, setCategoryNames] = useState({});

  // Registered while rendering, not in an effect: a page's first request may be answered 401
  // before effects run (children's effects run first, and effects wait for the next paint).
  onSessionExpired(() => {
    setCurrent(null);
    setNotice("登录已过期，请重新登录");
  });

  // Names again after an admin changed the departments (管理 · 部门与分派规则).
  const [departmentChanges, setDepartmentChanges] = useState(0);
  useEffect(() => onDepartmentsChanged(() => setDepartmentChanges((n) => n + 1)), []);
  useEffect(() => {
    if (!current) return;
    departments()
      .then((list) => setNames(Object.fromEntries(list.map((d) => [d.code, d.name]))))
      .catch(() => {});
    categories().then((list) => setCategoryNames(Object.fromEntries(list.map((c) => [c.code, c.name]))));
  }, [current, departmentChanges]);

  // After a move to another page, the keyboard and screen readers start at its content.
  const first = useRef(true);
  const where = [route.page, route.params.number, route.params.view, route.params.id].join("/");
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [where]);

  const departmentName = useCallback((code) => (code ? (names[code] ?? code) : "—"), [names]);
  const categoryName = useCallback((code) => (code ? (categoryNames[code] ?? code) : "—"), [categoryNames]);

  const onLogin = (staff) => {
    setNotice("");
    setCurrent(session() ?? { staff });
    if (route.page === "login") navigate("", { replace: true });
  };
  const onLogout = async () => {
    await logout().catch(() => {});
    setCurrent(null);
    setNotice("您已安全退出。");
  };

  if (!current) return html`<${LoginPage} notice=${notice} onLogin=${onLogin} />`;
  const Page = PAGES[route.page] ?? InboxPage;
  return html`<div class="shell">
    <a class="skip" href="#main">跳到正文</a>
    <${Header} staff=${current.staff} page=${route.page} pages=${Object.keys(PAGES)} departmentName=${departmentName} onLogout=${onLogout} />
    <main id="main" tabindex="-1">
      <${Page} key=${route.page + (route.params.number ?? "")} route=${route} staff=${current.staff}
        departmentName=${departmentName} categoryName=${categoryName} />
    </main>
  </div>`;
}

interceptLinks();
const container = document.getElementById("app");
container.textContent = "";
render(html`<${App} />`, container);
