// The briefing's charts, drawn on the server as SVG by ECharts (server-side rendering, no
// browser, no animation), so the page prints and archives as it is.
import * as echarts from "echarts";

const FONT = "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
const COLORS = { negative: "#d9534f", neutral: "#9aa5b1", positive: "#3c9d5d", bar: "#3b6fb6" };

function render(option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export interface SentimentSeries {
  labels: string[];
  negative: number[];
  neutral: number[];
  positive: number[];
}

/** Messages per bucket, stacked by sentiment. */
export function sentimentTrendSvg(series: SentimentSeries, width = 720, height = 260): string {
  const line = (name: string, data: number[], color: string) => ({
    name,
    type: "bar" as const,
    stack: "all",
    data,
    itemStyle: { color },
  });
  return render(
    {
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 32 },
      xAxis: { type: "category", data: series.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        line("负面", series.negative, COLORS.negative),
        line("中性", series.neutral, COLORS.neutral),
        line("正面", series.positive, COLORS.positive),
      ],
    },
    width,
    height,
  );
}

/** Horizontal bars, largest at the top. */
export function barsSvg(
  items: { name: string; value: number }[],
  width = 720,
  height = 40 + items.length * 26,
): string {
  const top = [...items].reverse();
  return render(
    {
      grid: { left: 150, right: 48, top: 8, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: top.map((i) => i.name) },
      series: [
        {
          type: "bar",
          data: top.map((i) => i.value),
          itemStyle: { color: COLORS.bar },
          label: { show: true, position: "right" },
        },
      ],
    },
    width,
    height,
  );
}
