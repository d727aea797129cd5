// 统计: service-quality figures per department for a period (GET /kpis), the trend per
// week or month with ECharts (GET /kpis/trend), CSV/Excel export. Every figure links to
// the inbox filtered to the tickets behind it: the department, the filing period, and the
// 全部 tab — with resolved=true for the figures about answered tickets (办结量, 按时办结率,
// 办结用时, 满意率), which are the KPIs' 办结量 (resolvedAt set).
import { html } from "/assets/vendor/htm-preact.mjs";
import { useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";
import { api, download, query } from "../api.js";
import { Field, Loading, Message, useTitle } from "../components.js";
import { ROOT } from "../router.js";

const day = (d) => {
  const local = new Date(d.getTime() + 8 * 3600_000); // the city's day (Asia/Shanghai)
  return local.toISOString().slice(0, 10);
};
const percent = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);
const hours = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 10) / 10} 小时`);

let echartsLoading;
/** ECharts is a classic script (global echarts), loaded once, from the hub. */
function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  echartsLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/assets/vendor/echarts.min.js";
    script.onload = () => resolve(window.echarts);
    script.onerror = () => reject(new Error("echarts"));
    document.head.append(script);
  });
  return echartsLoading;
}

function TrendChart({ trend }) {
  const box = useRef(null);
  useEffect(() => {
    let chart;
    let disposed = false;
    const onResize = () => chart?.resize();
    loadEcharts()
      .then((echarts) => {
        if (disposed) return;
        chart = echarts.init(box.current, null, { renderer: "svg" });
        const labels = trend.periods.map((p) => (trend.interval === "week" ? `${p.start} 周` : p.start.slice(0, 7)));
        const rate = (key) =>
          trend.periods.map((p) => (p.total[key] === null ? null : Math.round(p.total[key] * 1000) / 10));
        chart.setOption({
          textStyle: { fontFamily: "inherit" },
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 48, right: 48, top: 40, bottom: 32 },
          xAxis: { type: "category", data: labels },
          yAxis: [
            { type: "value", name: "件", minInterval: 1 },
            { type: "value", name: "%", min: 0, max: 100 },
          ],
          series: [
            {
              name: "受理量",
              type: "bar",
              data: trend.periods.map((p) => p.total.received),
              itemStyle: { color: "#9aa9bb" },
            },
            {
              name: "办结量",
              type: "bar",
              data: trend.periods.map((p) => p.total.resolved),
              itemStyle: { color: "#0b57a4" },
            },
            {
              name: "按时办结率",
              type: "line",
              yAxisIndex: 1,
              data: rate("onTimeRate"),
              itemStyle: { color: "#b3121b" },
            },
            {
              name: "满意率",
              type: "line",
              yAxisIndex: 1,
              data: rate("satisfactionRate"),
              itemStyle: { color: "#1e6b34" },
            },
          ],
        });
        addEventListener("resize", onResize);
      })
      .catch(() => {});
    return () => {
      disposed = true;
      removeEventListener("resize", onResize);
      chart?.dispose();
    };
  }, [trend]);
  const summary = trend.periods
    .map((p) => `${p.start}：受理 ${p.total.received} 件，办结 ${p.total.resolved} 件`)
    .join("；");
  return html`<div class="chart" ref=${box} role="img" aria-label=${`办理趋势。${summary}`}></div>`;
}

export function DashboardPage({ staff }) {
  useTitle("统计");
  const today = new Date();
  const [period, setPeriod] = useState({
    from: day(new Date(today.getFullYear(), today.getMonth() - 2, 1, 12)),
    to: day(today),
    interval: "month",
  });
  const [kpis, setKpis] = useState(null);
  const [trend, setTrend] = useState(null);
  const [error, setError] = useState("");
  const [trendError, setTrendError] = useState("");
  const [exportError, setExportError] = useState("");

  useEffect(() => {
    const params = { from: period.from, to: period.to };
    setKpis(null);
    api(`/kpis${query(params)}`)
      .then((result) => {
        setKpis(result);
        setError("");
      })
      .catch((failure) => failure.status !== 401 && setError(failure.message));
    api(`/kpis/trend${query({ ...params, interval: period.interval })}`)
      .then((result) => {
        setTrend(result);
        setTrendError("");
      })
      .catch((failure) => {
        setTrend(null);
        if (failure.status !== 401) setTrendError(failure.message);
      });
  }, [period]);

  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = String(form.get("from") ?? "");
    const to = String(form.get("to") ?? "");
    if (!from || !to || to < from) return setError("请选择正确的起止日期。");
    setPeriod({ from, to, interval: String(form.get("interval") ?? "month") });
  };
  const exportAs = async (format) => {
    setExportError("");
    try {
      await download(
        `/kpis/export.${format}${query({ from: period.from, to: period.to })}`,
        `办理情况统计-${period.from}-${period.to}.${format}`,
      );
    } catch (failure) {
      if (failure.status !== 401) setExportError(failure.message);
    }
  };
  const inbox = ({ tab = "all", code, kind, resolved }) =>
    `${ROOT}${query({ tab, from: period.from, to: period.to, department: code, kind, ...(resolved && { resolved: "true" }) })}`;
  /**
   * A figure as a link to its tickets: the work filed in the period (praise is counted
   * apart), or the part of it answered; 表扬数 its praise.
   */
  const figure = (code, text, basis, title) => {
    const href =
      basis === "praise"
        ? inbox({ code, kind: "praise" })
        : inbox({ code, kind: "work", resolved: basis === "resolved" });
    return html`<a href=${href} title=${title}>${text}</a>`;
  };
  const scoped = staff.role === "staff";

  return html`<section>
    <h1>统计</h1>
    <form class="search period" onSubmit=${submit} aria-label="统计期间">
      <${Field} label="登记日期从" id="kpi-from"><input id="kpi-from" name="from" type="date" defaultValue=${period.from} /><//>
      <${Field} label="至" id="kpi-to"><input id="kpi-to" name="to" type="date" defaultValue=${period.to} /><//>
      <${Field} label="趋势按" id="kpi-interval">
        <select id="kpi-interval" name="interval">
          <option value="month" selected=${period.interval === "month"}>月</option>
          <option value="week" selected=${period.interval === "week"}>周</option>
        </select>
      <//>
      <div class="search-buttons"><button type="submit">统计</button></div>
    </form>
    <div class="row-buttons export">
      <button type="button" class="secondary" onClick=${() => exportAs("csv")}>导出 CSV</button>
      <button type="button" class="secondary" onClick=${() => exportAs("xlsx")}>导出 Excel</button>
    </div>
    <${Message} kind="error">${exportError}<//>
    <${Message} kind="error">${error}<//>
    <section class="card" aria-labelledby="h-trend">
      <h2 id="h-trend">办理趋势</h2>
      ${trendError ? html`<p class="hint">${trendError}</p>` : trend ? html`<${TrendChart} trend=${trend} />` : html`<${Loading} />`}
    </section>
    <section class="card" aria-labelledby="h-kpis">
      <h2 id="h-kpis">各部门办理情况${scoped ? "（本部门）" : ""}</h2>
      ${
        kpis === null
          ? !error && html`<${Loading} />`
          : kpis.departments.length === 0
            ? html`<p class="empty">该期间没有工单。</p>`
            : html`<div class="table-scroll"><table class="tickets kpis">
              <caption class="visually-hidden">各部门办理情况，按登记日期统计</caption>
              <thead><tr>
                <th scope="col">部门</th><th scope="col">受理量</th><th scope="col">办结量</th>
                <th scope="col">按时签收率</th><th scope="col">按时办结率</th><th scope="col">签收用时（中位）</th>
                <th scope="col">办结用时（中位）</th><th scope="col">满意率</th><th scope="col">重办率</th>
                <th scope="col">表扬数</th>
              </tr></thead>
              <tbody>
                ${kpis.departments.map(
                  (d) => html`<tr key=${d.departmentCode}>
                    <th scope="row"><a href=${inbox({ tab: "in_progress", code: d.departmentCode })}>${d.departmentName}</a></th>
                    <td data-label="受理量">${figure(d.departmentCode, d.received, "all", "查看该期间登记的全部工单")}</td>
                    <td data-label="办结量">${figure(d.departmentCode, d.resolved, "resolved", "查看已办结工单")}</td>
                    <td data-label="按时签收率">${figure(d.departmentCode, percent(d.acceptOnTimeRate), "all", "查看该期间登记的全部工单")}</td>
                    <td data-label="按时办结率">${figure(d.departmentCode, percent(d.onTimeRate), "resolved", "查看已办结工单")}</td>
                    <td data-label="签收用时">${figure(d.departmentCode, hours(d.medianHoursToAccept), "all", "查看该期间登记的全部工单")}</td>
                    <td data-label="办结用时">${figure(d.departmentCode, hours(d.medianHoursToResolve), "resolved", "查看已办结工单")}</td>
                    <td data-label="满意率">${figure(d.departmentCode, `${percent(d.satisfactionRate)}（${d.rated} 件评价）`, "resolved", "查看已办结工单")}</td>
                    <td data-label="重办率">${figure(d.departmentCode, percent(d.reopenRate), "all", "查看该期间登记的全部工单")}</td>
                    <td data-label="表扬数">${figure(d.departmentCode, d.praise ?? 0, "praise", "查看收到的表扬")}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`
      }
      <p class="hint">按工单登记日期统计，已并案的工单随主件计算。点部门名查看其办理中的工单；点数字查看其背后的工单：受理量、签收和重办的数字对应该期间登记的全部工单，办结量、按时办结率、办结用时和满意率对应其中已办结的工单。表扬单独计入表扬数，不计入其他各项。</p>
    </section>
  </section>`;
}
