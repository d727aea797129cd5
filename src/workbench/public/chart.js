// A small chart drawn as SVG (no library): stacked bars or lines over categories (time
// buckets, places), drawn at the width it is given so its text stays readable on a phone.
// The SVG is one image with a summary as its name; the figures themselves are in a table
// under 查看数据 (a screen reader's and a keyboard user's way to every number).
import { html } from "/assets/vendor/htm-preact.mjs";
import { useEffect, useRef, useState } from "/assets/vendor/preact-hooks.mjs";

/** Colours with at least 3:1 contrast on white, told apart by the legend's words too. */
export const PALETTE = ["#0b57a4", "#b3121b", "#1e6b34", "#7a4a00", "#5b2a86", "#00656b", "#505050", "#a3246f"];

/** A step of 1, 2 or 5 × 10^n giving about `ticks` steps up to max. */
function niceStep(max, ticks = 4) {
  if (max <= 0) return 1;
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  return Math.max(1, step);
}

function useWidth(fallback = 720) {
  const box = useRef(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const measure = () => setWidth(Math.max(240, Math.floor(element.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [box, width];
}

/**
 * categories: the x-axis labels; series: [{name, values (one per category), color?}].
 * type "bar" stacks the series; "line" draws one line each. unit names what is counted.
 */
export function Chart({
  title,
  categories,
  series,
  type = "bar",
  unit = "条",
  height = 260,
  summary,
  categoryName = "时段",
}) {
  const [box, width] = useWidth();
  const colored = series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length] }));
  const n = categories.length;
  const totals = categories.map((_, i) => colored.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const peak =
    type === "bar" ? Math.max(0, ...totals) : Math.max(0, ...colored.flatMap((s) => s.values.map((v) => v ?? 0)));
  const step = niceStep(peak);
  const top = Math.max(step, Math.ceil(peak / step) * step);
  const left = 12 + String(top).length * 9;
  const right = 12;
  const upper = 14;
  const lower = 44;
  const plotWidth = Math.max(10, width - left - right);
  const plotHeight = height - upper - lower;
  const slot = n ? plotWidth / n : plotWidth;
  const y = (v) => upper + plotHeight - (v / top) * plotHeight;
  const x = (i) => left + slot * (i + 0.5);
  // A label every k categories, so labels of about 6 characters never overlap.
  const every = Math.max(1, Math.ceil((n * 78) / plotWidth));
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);

  const words =
    summary ??
    (n === 0
      ? `${title}：没有数据。`
      : `${title}：共 ${n} 项，${colored.map((s) => `${s.name}合计 ${s.values.reduce((a, v) => a + (v ?? 0), 0)} ${unit}`).join("，")}。`);

  const bars = () =>
    categories.map((_, i) => {
      let base = 0;
      const barWidth = Math.max(2, Math.min(48, slot * 0.7));
      return colored.map((s) => {
        const v = s.values[i] ?? 0;
        if (!v) return null;
        const rect = html`<rect x=${x(i) - barWidth / 2} y=${y(base + v)} width=${barWidth}
          height=${Math.max(1, y(base) - y(base + v))} fill=${s.color} />`;
        base += v;
        return rect;
      });
    });
  const lines = () =>
    colored.map((s) => {
      const points = s.values.map((v, i) => `${x(i)},${y(v ?? 0)}`).join(" ");
      return html`<g>
        <polyline points=${points} fill="none" stroke=${s.color} stroke-width="2.5" stroke-linejoin="round" />
        ${n <= 40 && s.values.map((v, i) => html`<circle cx=${x(i)} cy=${y(v ?? 0)} r="3.5" fill=${s.color} />`)}
      </g>`;
    });

  return html`<figure class="chart-figure">
    <div class="svg-chart" ref=${box}>
      <svg width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${words} focusable="false">
        ${ticks.map(
          (v) => html`<g>
            <line x1=${left} x2=${width - right} y1=${y(v)} y2=${y(v)} stroke=${v === 0 ? "#8a8a8a" : "#e2e2e2"} />
            <text x=${left - 6} y=${y(v) + 4} text-anchor="end" class="axis">${v}</text>
          </g>`,
        )}
        ${type === "bar" ? bars() : lines()}
        ${categories.map((c, i) =>
          i % every === 0
            ? html`<text x=${x(i)} y=${height - lower + 18} text-anchor="middle" class="axis">${c}</text>`
            : null,
        )}
      </svg>
    </div>
    ${
      colored.length > 1 &&
      html`<ul class="legend" aria-hidden="true">
        ${colored.map((s) => html`<li><span class="swatch" style=${`background:${s.color}`}></span>${s.name}</li>`)}
      </ul>`
    }
    <details class="chart-data">
      <summary>查看数据</summary>
      <div class="table-scroll">
        <table class="data">
          <caption class="visually-hidden">${title}（单位：${unit}）</caption>
          <thead><tr><th scope="col">${categoryName}</th>${colored.map((s) => html`<th scope="col">${s.name}</th>`)}
            ${colored.length > 1 && html`<th scope="col">合计</th>`}</tr></thead>
          <tbody>
            ${categories.map(
              (c, i) => html`<tr>
                <th scope="row">${c}</th>
                ${colored.map((s) => html`<td>${s.values[i] ?? 0}</td>`)}
                ${colored.length > 1 && html`<td>${totals[i]}</td>`}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}

/**
 * Counts as a list of horizontal bars, each with its label and figure in words (so it needs
 * no table beside it): rows [{key, label, count, href?, note?, color?}].
 */
export function BarList({ rows, label, unit = "条", empty = "暂无数据。" }) {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  const peak = Math.max(1, ...rows.map((r) => r.count));
  return html`<ul class="bar-list" aria-label=${label}>
    ${rows.map(
      (r) => html`<li key=${r.key}>
        <span class="bar-label">${r.href ? html`<a href=${r.href}>${r.label}</a>` : r.label}</span>
        <span class="bar-track" aria-hidden="true"><span class="bar-fill"
          style=${`width:${r.count > 0 ? Math.max(2, (r.count / peak) * 100) : 0}%;${r.color ? `background:${r.color}` : ""}`}></span></span>
        <span class="bar-value">${r.count} ${unit}${r.note ? html`<span class="bar-note">${r.note}</span>` : ""}</span>
      </li>`,
    )}
  </ul>`;
}
