// What an alert without a topic of its own is called on the workbench and in the webhook: the
// series that first spiked, named in Chinese (a keyword, a place, a domain, negative sentiment).
import { NEGATIVE_SERIES } from "./opinion-series.ts";

export function seriesLabel(series: string, placeName: (code: string) => string | undefined): string {
  if (series === NEGATIVE_SERIES) return "负面情绪消息激增";
  const [kind, ...rest] = series.split(":");
  const value = rest.join(":");
  switch (kind) {
    case "keyword":
      return `“${value}”相关消息激增`;
    case "place":
      return `${placeName(value) ?? value}消息激增`;
    case "domain":
      return `${value}类消息激增`;
    case "topic":
      return "话题消息激增";
    default:
      return series;
  }
}
