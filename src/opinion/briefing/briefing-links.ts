// Where each figure of a briefing leads: the workbench's opinion pages (docs/opinion.md,
// "Briefings"), each showing the messages behind the figure through the API call named
// beside it. Stable URLs: the dashboard serves these paths.

export interface LinkPeriod {
  /** The first and last local day, both included (the API's from/to). */
  firstDay: string;
  lastDay: string;
}

const query = (params: Record<string, string | undefined>) =>
  Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

const period = (p: LinkPeriod) => ({ from: p.firstDay, to: p.lastDay });

export const briefingLinks = {
  /** GET /api/opinion/overview?from&to */
  overview: (p: LinkPeriod) => `/workbench/opinion?${query(period(p))}`,
  /** GET /api/opinion/trends?from&to&bucket&by */
  trends: (p: LinkPeriod, bucket: string, by = "sentiment") =>
    `/workbench/opinion/trends?${query({ ...period(p), bucket, by })}`,
  /** GET /api/opinion/topics?from&to[&place][&keyword] */
  topics: (p: LinkPeriod, filter: { place?: string; keyword?: string } = {}) =>
    `/workbench/opinion/topics?${query({ ...period(p), ...filter })}`,
  /** GET /api/opinion/topics/:id (its messages, paged) */
  topic: (id: string) => `/workbench/opinion/topics/${encodeURIComponent(id)}`,
  /** GET /api/opinion/places?from&to */
  places: (p: LinkPeriod) => `/workbench/opinion/places?${query(period(p))}`,
  /** GET /api/opinion/alerts?from&to */
  alerts: (p: LinkPeriod) => `/workbench/opinion/alerts?${query(period(p))}`,
  /** One alert of GET /api/opinion/alerts (its samples; its topic's messages). */
  alert: (id: string) => `/workbench/opinion/alerts/${encodeURIComponent(id)}`,
};
