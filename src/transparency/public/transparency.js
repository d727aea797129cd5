// The public transparency page: reads GET /api/public/transparency and shows the chosen
// month's figures, the trend chart (ECharts, loaded before this module by a deferred
// <script>) and the tables that are the charts' text alternative. No inline script, no
// inline handlers: the CSP's script-src 'self' holds.
const API = "/api/public/transparency?months=12";
const RED = "#c8161d";
const BLUE = "#1f5fa8";

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

const number = (n) => n.toLocaleString("zh-CN");
const percent = (r) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);
/** "2026-11" → "2026年11月". */
const monthLabel = (m) => `${m.slice(0, 4)}年${Number(m.slice(5))}月`;
/** Chart axis labels: "11月", with the year on the first month and on each January. */
const axisLabel = (m, i) => (i === 0 || m.endsWith("-01") ? monthLabel(m) : `${Number(m.slice(5))}月`);

/** A rate cell: "—" reads as 暂无数据 to a screen reader. */
function rateCell(r) {
  return r === null ? el("td", { "aria-label": "暂无数据" }, "—") : el("td", {}, percent(r));
}

function showSummary(month) {
  const items = [
    ["受理量", `${number(month.received)} 件`],
    ["办结量", `${number(month.resolved)} 件`],
    ["按时办结率", percent(month.onTimeRate)],
    ["满意率", percent(month.satisfactionRate)],
  ];
  $("summary").replaceChildren(
    ...items.map(([term, value]) => el("div", { class: "card" }, el("dt", {}, term), el("dd", {}, value))),
  );
}

function showDepartments(month) {
  $("departments-caption").textContent = `${monthLabel(month.month)}各部门办理情况`;
  const rows = month.departments.map((d) =>
    el(
      "tr",
      {},
      el("th", { scope: "row" }, d.name),
      el("td", {}, number(d.received)),
      el("td", {}, number(d.resolved)),
      rateCell(d.onTimeRate),
      rateCell(d.satisfactionRate),
    ),
  );
  if (rows.length === 0) rows.push(el("tr", {}, el("td", { colspan: "5" }, "本月暂无诉求。")));
  $("department-rows").replaceChildren(...rows);
}

function showCategories(month) {
  const top = Math.max(1, ...month.categories.map((c) => c.received));
  const items = month.categories.map((c) => {
    const bar = el("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = `${Math.round((c.received / top) * 100)}%`;
    return el(
      "li",
      {},
      el("span", { class: "name" }, c.name),
      el("span", { class: "count" }, `${number(c.received)} 件`),
      el("span", { class: "track" }, bar),
    );
  });
  if (items.length === 0) items.push(el("li", { class: "empty" }, "本月暂无诉求。"));
  $("categories").replaceChildren(...items);
}

function showTrendTable(months) {
  $("trend-rows").replaceChildren(
    ...months.map((m) =>
      el(
        "tr",
        {},
        el("th", { scope: "row" }, monthLabel(m.month)),
        el("td", {}, number(m.received)),
        el("td", {}, number(m.resolved)),
        rateCell(m.onTimeRate),
        rateCell(m.satisfactionRate),
      ),
    ),
  );
}

function showTrendChart(months) {
  const echarts = globalThis.echarts;
  if (!echarts) return; // the table below carries the same figures
  const chart = echarts.init($("trend-chart"), null, { renderer: "canvas" });
  chart.setOption({
    color: [BLUE, RED],
    textStyle: { fontFamily: "inherit" },
    tooltip: { trigger: "axis" },
    legend: { data: ["受理量", "办结量"], top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: months.map((m, i) => axisLabel(m.month, i)) },
    yAxis: { type: "value", minInterval: 1, name: "件" },
    series: [
      { name: "受理量", type: "bar", data: months.map((m) => m.received), barMaxWidth: 28 },
      { name: "办结量", type: "line", data: months.map((m) => m.resolved), symbolSize: 7 },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

function showMonth(months, index) {
  const month = months[index];
  $("summary-title").textContent = `${monthLabel(month.month)}概况`;
  showSummary(month);
  showDepartments(month);
  showCategories(month);
}

async function main() {
  const status = $("status");
  let report;
  try {
    const response = await fetch(API, { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    report = await response.json();
  } catch {
    status.textContent = "数据暂时无法加载，请稍后刷新页面重试。";
    status.setAttribute("role", "alert");
    return;
  }
  const { months, minGroup } = report;
  $("min-group-note").textContent = `为保护个人信息，当月不足 ${minGroup} 件的部门和类别合并计入“其他”。`;
  const select = $("month");
  select.replaceChildren(...months.map((m, i) => el("option", { value: String(i) }, monthLabel(m.month))).reverse());
  select.value = String(months.length - 1);
  select.addEventListener("change", () => showMonth(months, Number(select.value)));
  showMonth(months, months.length - 1);
  showTrendTable(months);
  status.hidden = true;
  $("content").hidden = false;
  // Drawn once visible, so the chart knows its size.
  showTrendChart(months);
}

main();
