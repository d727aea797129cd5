// GET /api/opinion/briefings/daily?date=YYYY-MM-DD and /weekly?week=YYYY-Www: the printable
// HTML briefing (src/opinion/briefing/) of a local day or ISO week; by default yesterday / last week.
import type { FastifyInstance } from "fastify";
import type { SqlRunner } from "../db/sql-runner.ts";
import { briefingHtml } from "../opinion/briefing/briefing-html.ts";
import { type BriefingPeriod, dailyPeriod, weeklyPeriod } from "../opinion/briefing/briefing-period.ts";
import { briefingFacts } from "../opinion/read/briefing-facts.ts";
import type { PlaceDirectory } from "../opinion/read/place-directory.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import { HttpError } from "./error-handler.ts";
import { requireOpinionReader } from "./opinion-access.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

export interface OpinionBriefingRoutesOptions {
  sql: Pick<SqlRunner, "query">;
  sessions: Pick<StaffSessions, "authenticate">;
  timeZone: string;
  /** The place names of the gazetteer serving now (PlaceDirectory.following). */
  places: () => PlaceDirectory;
}

export async function opinionBriefingRoutes(app: FastifyInstance, options: OpinionBriefingRoutesOptions) {
  const { sql, timeZone, places } = options;
  const readers = { onRequest: requireOpinionReader(options.sessions) };
  const html = { 200: { type: "string" }, ...staffErrorResponses } as const;

  const briefing = async (period: BriefingPeriod) => {
    const directory = places();
    const facts = await briefingFacts(sql, directory, period, period.kind === "daily" ? "hour" : "day", timeZone);
    return briefingHtml(facts, { period, timeZone, placeOf: (code) => directory.named(code), generatedAt: new Date() });
  };

  app.get<{ Querystring: { date?: string } }>(
    "/briefings/daily",
    {
      ...readers,
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { date: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" } },
        },
        response: html,
      },
    },
    async (request, reply) => {
      const period = dailyPeriod(request.query.date, timeZone);
      if (!period) throw new HttpError(400, "日期无效，请使用 YYYY-MM-DD 格式，例如 2026-11-02。");
      return reply.type("text/html; charset=utf-8").send(await briefing(period));
    },
  );

  app.get<{ Querystring: { week?: string } }>(
    "/briefings/weekly",
    {
      ...readers,
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { week: { type: "string", pattern: "^\\d{4}-W\\d{2}$" } },
        },
        response: html,
      },
    },
    async (request, reply) => {
      const period = weeklyPeriod(request.query.week, timeZone);
      if (!period) throw new HttpError(400, "周次无效，请使用 ISO 周格式 YYYY-Www，例如 2026-W45。");
      return reply.type("text/html; charset=utf-8").send(await briefing(period));
    },
  );
}
