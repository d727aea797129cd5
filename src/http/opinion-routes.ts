// The opinion hub's read API (民意洞察, issue 14) under /api/opinion: overview, topics (and one
// topic with its messages), trends, places, alerts, and CSV downloads of topics and a topic's
// messages. Counts come from the hourly rollups (src/opinion/read/); texts leave masked.
// The import (opinion-import-routes.ts) and the briefings (opinion-briefing-routes.ts) are
// registered from here, so the composition root registers one plugin.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import type { Region } from "../knowledge/gazetteer-schema.ts";
import type { OpinionRecorder } from "../opinion/opinion-recorder.ts";
import type { AlertView } from "../opinion/read/opinion-alerts.ts";
import { listAlerts } from "../opinion/read/opinion-alerts.ts";
import { opinionOverview } from "../opinion/read/opinion-overview.ts";
import type { OpinionPeriod } from "../opinion/read/opinion-period.ts";
import { placeTable } from "../opinion/read/opinion-places.ts";
import { findTopic, listTopics, topicMessages, type TopicView } from "../opinion/read/opinion-topics.ts";
import { PlaceDirectory } from "../opinion/read/place-directory.ts";
import { rollupTrend, type TrendBucket } from "../opinion/read/rollup-trend.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { periodBound } from "./date-params.ts";
import { HttpError } from "./error-handler.ts";
import { requireOpinionReader } from "./opinion-access.ts";
import { staffOf } from "./staff-auth.ts";
import { messagesCsv, topicsCsv } from "./opinion-csv.ts";
import { opinionBriefingRoutes } from "./opinion-briefing-routes.ts";
import { opinionImportRoutes } from "./opinion-import-routes.ts";
import {
  alertSchema,
  periodAnswer,
  periodProperties,
  periodQuery,
  placeRowSchema,
  messageSchema,
  topicIdParams,
  topicSchema,
  type TREND_DIMENSIONS,
  trendPointSchema,
  trendQuery,
  valueCountsSchema,
} from "./opinion-schemas.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

const DAY_MS = 24 * 3_600_000;
/** A period without `from` is the 7 days up to `to` (or now). */
const DEFAULT_DAYS = 7;
const MAX_DAYS = 400;
/** Hourly buckets over at most this many days (744 points a series). */
const MAX_HOURLY_DAYS = 31;
const CSV_MAX_ROWS = 50_000;

export interface OpinionRoutesOptions {
  sql: Pick<SqlRunner, "query">;
  prisma: PrismaClient;
  sessions: Pick<StaffSessions, "authenticate">;
  timeZone: string;
  /** The gazetteer (regions.yaml) of the knowledge snapshot serving now, for place names. */
  regions: () => readonly Region[];
  /** The analysis of imported records (the hub's, which follows reloads of intents/). */
  recorder: () => Promise<OpinionRecorder>;
}

interface PeriodQuerystring {
  from?: string;
  to?: string;
}

/** The period asked for: both ends included as local days, or instants; by default the last 7 days. */
export function opinionPeriod(query: PeriodQuerystring, timeZone: string, now = new Date()): OpinionPeriod {
  const to = periodBound(query.to, "to", timeZone, "querystring.to") ?? now;
  const from =
    periodBound(query.from, "from", timeZone, "querystring.from") ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (to.getTime() <= from.getTime()) throw new HttpError(400, "结束时间（to）须晚于开始时间（from）。");
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw new HttpError(400, `查询时段最长 ${MAX_DAYS} 天。`);
  return { from, to, timeZone };
}

export async function opinionRoutes(app: FastifyInstance, options: OpinionRoutesOptions) {
  const { sql, timeZone } = options;
  const places = PlaceDirectory.following(options.regions);
  const readers = { onRequest: requireOpinionReader(options.sessions) };
  const period = (request: FastifyRequest<{ Querystring: PeriodQuerystring }>) =>
    opinionPeriod(request.query, timeZone);
  const periodJson = (p: OpinionPeriod) => ({ from: p.from, to: p.to });
  const withPlaces = <T extends { places: string[] }>(item: T) => ({
    ...item,
    places: item.places.map((c) => places().named(c)),
  });
  const alertJson = (a: AlertView) => withPlaces(a);
  const topicJson = (t: TopicView) => withPlaces(t);

  app.get<{ Querystring: PeriodQuerystring }>(
    "/overview",
    {
      ...readers,
      schema: {
        querystring: periodQuery,
        response: {
          200: {
            type: "object",
            required: [
              "from",
              "to",
              "totals",
              "byChannel",
              "byKind",
              "bySentiment",
              "topTopics",
              "topPlaces",
              "openAlerts",
            ],
            properties: {
              ...periodAnswer,
              totals: { type: "object", properties: valueCountsSchema.properties },
              byChannel: { type: "array", items: valueCountsSchema },
              /** By kind of source: message (a citizen's message on a channel), import, ticket, rating. */
              byKind: { type: "array", items: valueCountsSchema },
              bySentiment: { type: "array", items: valueCountsSchema },
              topTopics: { type: "array", items: topicSchema },
              topPlaces: { type: "array", items: placeRowSchema },
              openAlerts: { type: "array", items: alertSchema },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const p = period(request);
      const overview = await opinionOverview(sql, places(), p);
      return {
        ...periodJson(p),
        ...overview,
        topTopics: overview.topTopics.map(topicJson),
        openAlerts: overview.openAlerts.map(alertJson),
      };
    },
  );

  interface TopicsQuerystring extends PeriodQuerystring {
    place?: string;
    domain?: string;
    keyword?: string;
    limit: number;
  }
  const topicsQuery = {
    type: "object",
    additionalProperties: false,
    properties: {
      ...periodProperties,
      /** A gazetteer code or name (标准名 or alias): topics in that place or under it. */
      place: { type: "string", minLength: 1, maxLength: 100 },
      domain: { type: "string", minLength: 1, maxLength: 100 },
      keyword: { type: "string", minLength: 1, maxLength: 100 },
      limit: { type: "integer", minimum: 1, maximum: 200, default: 20 },
    },
  } as const;
  const topicsOf = (request: FastifyRequest<{ Querystring: TopicsQuerystring }>, limit: number) => {
    const { place, domain, keyword } = request.query;
    const code = place === undefined ? undefined : places().codeOf(place);
    if (place !== undefined && !code) throw new HttpError(400, `地名库中没有“${place}”。`);
    const placeAreas = code === undefined ? [] : places().areasAbove(code);
    return listTopics(sql, { period: period(request), place: code, placeAreas, domain, keyword, limit });
  };

  app.get<{ Querystring: TopicsQuerystring }>(
    "/topics",
    {
      ...readers,
      schema: {
        querystring: topicsQuery,
        response: {
          200: {
            type: "object",
            required: ["from", "to", "topics"],
            properties: { ...periodAnswer, topics: { type: "array", items: topicSchema } },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => ({
      ...periodJson(period(request)),
      topics: (await topicsOf(request, request.query.limit)).map(topicJson),
    }),
  );

  app.get<{ Querystring: TopicsQuerystring }>(
    "/topics.csv",
    { ...readers, schema: { querystring: topicsQuery, response: { 200: { type: "string" }, ...staffErrorResponses } } },
    async (request, reply) => {
      const topics = await topicsOf(request, request.query.limit);
      await recordStaffAudit(options.prisma, staffOf(request), "export_opinions", undefined, {
        ...request.query,
        rows: topics.length,
      });
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="opinion-topics.csv"')
        .send(topicsCsv(topics, places(), timeZone));
    },
  );

  const pageQuery = {
    type: "object",
    additionalProperties: false,
    properties: {
      page: { type: "integer", minimum: 1, default: 1 },
      pageSize: { type: "integer", minimum: 1, maximum: 500, default: 50 },
    },
  } as const;

  const knownTopic = async (id: string) => {
    const topic = await findTopic(sql, id);
    if (!topic) throw new HttpError(404, "没有这个话题。");
    return topic;
  };

  app.get<{ Params: { id: string }; Querystring: { page: number; pageSize: number } }>(
    "/topics/:id",
    {
      ...readers,
      schema: {
        params: topicIdParams,
        querystring: pageQuery,
        response: {
          200: {
            type: "object",
            required: [...topicSchema.required, "timeline", "messages", "page", "pageSize"],
            properties: {
              ...topicSchema.properties,
              /** Messages per hour of its life (UTC hours), from the topic rollups. */
              timeline: { type: "array", items: trendPointSchema },
              messages: { type: "array", items: messageSchema },
              page: { type: "integer" },
              pageSize: { type: "integer" },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const topic = await knownTopic(request.params.id);
      const { page, pageSize } = request.query;
      const life = {
        from: new Date(Math.floor(topic.firstAt.getTime() / 3_600_000) * 3_600_000),
        to: new Date(topic.lastAt.getTime() + 1),
      };
      // A long-lived topic is drawn per day rather than per hour.
      const bucket: TrendBucket = life.to.getTime() - life.from.getTime() > 7 * DAY_MS ? "day" : "hour";
      const [timeline] = await rollupTrend(sql, {
        dimension: "topic",
        period: life,
        bucket,
        timeZone,
        values: [topic.id],
      });
      const messages = await topicMessages(sql, topic.id, { offset: (page - 1) * pageSize, limit: pageSize });
      return { ...topicJson(topic), timeline: timeline?.points ?? [], messages, page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/topics/:id/messages.csv",
    { ...readers, schema: { params: topicIdParams, response: { 200: { type: "string" }, ...staffErrorResponses } } },
    async (request, reply) => {
      const topic = await knownTopic(request.params.id);
      const messages = await topicMessages(sql, topic.id, { offset: 0, limit: CSV_MAX_ROWS });
      await recordStaffAudit(options.prisma, staffOf(request), "export_opinions", topic.id, { rows: messages.length });
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="opinion-topic-messages.csv"`)
        .send(messagesCsv(messages, timeZone));
    },
  );

  app.get<{
    Querystring: PeriodQuerystring & { bucket: TrendBucket; by: (typeof TREND_DIMENSIONS)[number]; limit: number };
  }>(
    "/trends",
    {
      ...readers,
      schema: {
        querystring: trendQuery,
        response: {
          200: {
            type: "object",
            required: ["from", "to", "bucket", "by", "series"],
            properties: {
              ...periodAnswer,
              bucket: { type: "string" },
              by: { type: "string" },
              series: {
                type: "array",
                items: {
                  type: "object",
                  required: ["value", "points"],
                  properties: {
                    value: { type: "string" },
                    /** The place's name when by=place. */
                    name: { type: "string" },
                    points: { type: "array", items: trendPointSchema },
                  },
                },
              },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const p = period(request);
      const { bucket, by, limit } = request.query;
      if (bucket === "hour" && p.to.getTime() - p.from.getTime() > MAX_HOURLY_DAYS * DAY_MS)
        throw new HttpError(400, `按小时查看的时段最长 ${MAX_HOURLY_DAYS} 天，请按天或按周查看。`);
      const series = await rollupTrend(sql, { dimension: by, period: p, bucket, timeZone, top: limit });
      return {
        ...periodJson(p),
        bucket,
        by,
        series: series.map((s) => (by === "place" ? { ...s, name: places().named(s.value).name } : s)),
      };
    },
  );

  app.get<{ Querystring: PeriodQuerystring & { limit: number } }>(
    "/places",
    {
      ...readers,
      schema: {
        querystring: {
          ...periodQuery,
          properties: { ...periodProperties, limit: { type: "integer", minimum: 1, maximum: 1000, default: 200 } },
        },
        response: {
          200: {
            type: "object",
            required: ["from", "to", "places"],
            properties: { ...periodAnswer, places: { type: "array", items: placeRowSchema } },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const p = period(request);
      return { ...periodJson(p), places: await placeTable(sql, places(), p, request.query.limit) };
    },
  );

  app.get<{ Querystring: PeriodQuerystring & { limit: number } }>(
    "/alerts",
    {
      ...readers,
      schema: {
        querystring: {
          ...periodQuery,
          properties: { ...periodProperties, limit: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
        },
        response: {
          200: {
            type: "object",
            required: ["from", "to", "alerts"],
            properties: { ...periodAnswer, alerts: { type: "array", items: alertSchema } },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const p = period(request);
      return {
        ...periodJson(p),
        alerts: (await listAlerts(sql, { period: p, limit: request.query.limit })).map(alertJson),
      };
    },
  );

  await app.register(opinionImportRoutes, {
    prisma: options.prisma,
    sql,
    sessions: options.sessions,
    timeZone,
    recorder: options.recorder,
  });
  await app.register(opinionBriefingRoutes, { sql, sessions: options.sessions, timeZone, places });
}
