// Topics (话题) as the API lists them: the monitor's OpinionTopic rows active in a period,
// with their growth from the hourly topic rollups, a few masked samples, and one topic's
// messages page by page (by the topic index, never a scan for counts).
import type { SqlRunner } from "../../db/sql-runner.ts";
import { maskText } from "../../privacy/mask.ts";
import { negativeShare } from "./rollup-totals.ts";
import { epochMs, fromEpochMs, type OpinionPeriod, sqlTime } from "./opinion-period.ts";

const SAMPLES = 3;

export interface OpinionMessageView {
  id: string;
  externalId?: string;
  /** Masked. */
  text: string;
  time: Date;
  channel: string;
  sentiment: string;
}

export interface TopicView {
  id: string;
  label: string;
  keywords: string[];
  messageCount: number;
  negativeCount: number;
  /** The last 24 hours of the period (up to its last message) against the 24 hours before: (recent − previous) / max(previous, 1). */
  growth: number;
  negativeShare: number;
  /** Gazetteer codes of its main areas. */
  places: string[];
  channels: string[];
  firstAt: Date;
  lastAt: Date;
  /** Its latest tickets, newest first (at most TOPIC_TICKETS). */
  ticketNumbers: string[];
  /** All its tickets. */
  ticketCount: number;
  parentTicketNumber: string | null;
  samples: OpinionMessageView[];
}

export interface TopicFilter {
  period: OpinionPeriod;
  /** A gazetteer code: topics with a place at or under it (codes carry their parents' digits). */
  place?: string;
  /** With place: its parents up to its street, which a topic about it may name instead (PlaceDirectory.areasAbove). */
  placeAreas?: readonly string[];
  domain?: string;
  /** Topics with this among their keywords. */
  keyword?: string;
  /** Only topics that began in the period (新出现的诉求). */
  newOnly?: boolean;
  limit: number;
}

interface TopicRow extends Record<string, unknown> {
  id: string;
  label: string;
  keywords: string[];
  places: string[];
  channels: string[];
  messageCount: number;
  negativeCount: number;
  firstAt: number;
  lastAt: number;
  ticketNumbers: string[];
  ticketCount: number;
  parentTicketNumber: string | null;
  recent: number;
  previous: number;
  samples:
    | {
        id: string;
        sourceKind: string;
        sourceId: string;
        text: string;
        at: string;
        channel: string;
        sentiment: string;
      }[]
    | null;
}

// The topic's columns, its growth and its latest samples, for the topics t of a FROM clause;
// $2 is the end of the growth window ($2 - 24 h and - 48 h its earlier edges).
const TOPIC_SELECT = `
  t."id", t."label", t."keywords", t."places", t."channels", t."messageCount", t."negativeCount",
  ${epochMs('t."firstAt"')} AS "firstAt", ${epochMs('t."lastAt"')} AS "lastAt",
  t."ticketNumbers", t."ticketCount", t."parentTicketNumber",
  COALESCE(g.recent, 0)::int AS recent, COALESCE(g.previous, 0)::int AS previous, s.samples
FROM topics t
LEFT JOIN LATERAL (
  SELECT sum("total") FILTER (WHERE "hour" >= w.edge - interval '24 hours') AS recent,
         sum("total") FILTER (WHERE "hour" < w.edge - interval '24 hours') AS previous
  FROM (SELECT LEAST($2::timestamp(3), t."lastAt" + interval '1 hour') AS edge) w,
       LATERAL (SELECT "hour", "total" FROM "OpinionRollup"
                WHERE "dimension" = 'topic' AND "value" = t."id"
                  AND "hour" >= w.edge - interval '48 hours' AND "hour" < w.edge) r
) g ON true
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('id', m."id", 'sourceKind', m."sourceKind", 'sourceId', m."sourceId",
    'text', m."text", 'at', ${epochMs('m."at"')}, 'channel', m."channel", 'sentiment', m."sentiment") ORDER BY m."at" DESC) AS samples
  FROM (SELECT * FROM "OpinionMessage" WHERE "topicId" = t."id" ORDER BY "at" DESC LIMIT ${SAMPLES}) m
) s ON true`;

/**
 * The topics active in the period (a message in it), most messages first. A topic without
 * keywords (a greeting's, stored before greetings stopped opening topics; its label empty or a
 * place alone) is no matter and is not listed.
 */
export async function listTopics(sql: Pick<SqlRunner, "query">, filter: TopicFilter): Promise<TopicView[]> {
  const rows = await sql.query<TopicRow>(
    `WITH topics AS (
       SELECT * FROM "OpinionTopic" t
       WHERE t."lastAt" >= $1::timestamp(3) AND t."firstAt" < $2::timestamp(3)
         AND cardinality(t."keywords") > 0
         AND (NOT $6::boolean OR t."firstAt" >= $1::timestamp(3))
         AND ($7::text IS NULL OR $7::text = ANY(t."keywords"))
         AND ($3::text IS NULL OR EXISTS (
           SELECT 1 FROM unnest(t."places") p WHERE starts_with(p, $3::text) OR p = ANY($8::text[])))
         AND ($4::text IS NULL OR EXISTS (
           SELECT 1 FROM "OpinionMessage" m WHERE m."topicId" = t."id" AND m."domain" = $4::text))
       ORDER BY t."messageCount" DESC, t."lastAt" DESC, t."id"
       LIMIT $5
     )
     SELECT ${TOPIC_SELECT}
     ORDER BY t."messageCount" DESC, t."lastAt" DESC, t."id"`,
    [
      sqlTime(filter.period.from),
      sqlTime(filter.period.to),
      filter.place ?? null,
      filter.domain ?? null,
      filter.limit,
      filter.newOnly ?? false,
      filter.keyword ?? null,
      [...(filter.placeAreas ?? [])],
    ],
  );
  return rows.map(topicView);
}

/** One topic, with its growth up to `until` (its last message when later); undefined when unknown. */
export async function findTopic(
  sql: Pick<SqlRunner, "query">,
  id: string,
  until = new Date(8.64e15),
): Promise<TopicView | undefined> {
  const [row] = await sql.query<TopicRow>(
    `WITH topics AS (SELECT * FROM "OpinionTopic" WHERE "id" = $1) SELECT ${TOPIC_SELECT}`,
    [id, sqlTime(new Date(Math.min(until.getTime(), Date.parse("9999-01-01"))))],
  );
  return row && topicView(row);
}

/** A page of a topic's messages, in time order. */
export async function topicMessages(
  sql: Pick<SqlRunner, "query">,
  topicId: string,
  page: { offset: number; limit: number },
): Promise<OpinionMessageView[]> {
  const rows = await sql.query<MessageRow>(
    `SELECT "id", "sourceKind", "sourceId", "text", ${epochMs('"at"')} AS at, "channel", "sentiment"
     FROM "OpinionMessage" WHERE "topicId" = $1 ORDER BY "at", "id" OFFSET $2 LIMIT $3`,
    [topicId, page.offset, page.limit],
  );
  return rows.map(messageView);
}

interface MessageRow extends Record<string, unknown> {
  id: string;
  sourceKind: string;
  sourceId: string;
  text: string;
  at: number | string;
  channel: string;
  sentiment: string;
}

/** An imported record's own id (its source id is "<channel>:<externalId>"); none for a live message. */
function externalIdOf(row: Pick<MessageRow, "sourceKind" | "sourceId" | "channel">): string | undefined {
  if (row.sourceKind !== "import") return undefined;
  const id = row.sourceId.slice(row.channel.length + 1);
  return id.startsWith("sha256:") ? undefined : id;
}

export function messageView(row: MessageRow): OpinionMessageView {
  const externalId = externalIdOf(row);
  return {
    id: row.id,
    ...(externalId === undefined ? {} : { externalId }),
    // Stored masked; masked again on the way out, so nothing stored unmasked by mistake leaves.
    text: maskText(row.text),
    time: fromEpochMs(row.at),
    channel: row.channel,
    sentiment: row.sentiment,
  };
}

function topicView(row: TopicRow): TopicView {
  const messageCount = Number(row.messageCount);
  const negativeCount = Number(row.negativeCount);
  const recent = Number(row.recent);
  const previous = Number(row.previous);
  return {
    id: row.id,
    label: row.label,
    keywords: row.keywords,
    messageCount,
    negativeCount,
    growth: Math.round(((recent - previous) / Math.max(previous, 1)) * 100) / 100,
    negativeShare: negativeShare({ total: messageCount, negative: negativeCount }),
    places: row.places,
    channels: row.channels,
    firstAt: fromEpochMs(row.firstAt),
    lastAt: fromEpochMs(row.lastAt),
    ticketNumbers: row.ticketNumbers,
    ticketCount: row.ticketCount,
    parentTicketNumber: row.parentTicketNumber,
    samples: (row.samples ?? []).map(messageView),
  };
}
