// JSON schemas of the opinion hub's API (src/http/opinion-routes.ts and its siblings).
import { TREND_BUCKETS } from "../opinion/read/rollup-trend.ts";
import { dateParam } from "./staff-schemas.ts";

const time = { type: "string", format: "date-time" } as const;
const strings = { type: "array", items: { type: "string" } } as const;
const count = { type: "integer", minimum: 0 } as const;

/** from and to: a local day (both included) or an instant; by default the last 7 days. */
export const periodProperties = { from: dateParam, to: dateParam } as const;

export const periodQuery = {
  type: "object",
  additionalProperties: false,
  properties: periodProperties,
} as const;

export const sentimentCountsProperties = {
  total: count,
  negative: count,
  neutral: count,
  positive: count,
} as const;

export const valueCountsSchema = {
  type: "object",
  required: ["value", "total", "negative", "neutral", "positive"],
  properties: { value: { type: "string" }, ...sentimentCountsProperties },
} as const;

export const namedPlaceSchema = {
  type: "object",
  required: ["code", "name", "level", "district"],
  properties: {
    code: { type: "string" },
    name: { type: "string" },
    level: { type: ["string", "null"] },
    district: { type: ["string", "null"] },
  },
} as const;

export const placeRowSchema = {
  type: "object",
  required: [...namedPlaceSchema.required, "total", "negative", "neutral", "positive", "negativeShare"],
  properties: { ...namedPlaceSchema.properties, ...sentimentCountsProperties, negativeShare: { type: "number" } },
} as const;

export const messageSchema = {
  type: "object",
  required: ["id", "text", "time", "channel", "sentiment"],
  properties: {
    id: { type: "string" },
    externalId: { type: "string" },
    /** Masked. */
    text: { type: "string" },
    time,
    channel: { type: "string" },
    sentiment: { type: "string" },
  },
} as const;

export const topicSchema = {
  type: "object",
  required: [
    "id",
    "label",
    "keywords",
    "messageCount",
    "growth",
    "negativeShare",
    "places",
    "firstAt",
    "lastAt",
    "ticketNumbers",
    "samples",
  ],
  properties: {
    id: { type: "string" },
    label: { type: "string" },
    keywords: strings,
    messageCount: count,
    negativeCount: count,
    growth: { type: "number" },
    negativeShare: { type: "number" },
    places: { type: "array", items: namedPlaceSchema },
    channels: strings,
    firstAt: time,
    lastAt: time,
    ticketNumbers: strings,
    ticketCount: count,
    parentTicketNumber: { type: ["string", "null"] },
    samples: { type: "array", items: messageSchema },
  },
} as const;

export const alertSchema = {
  type: "object",
  required: [
    "id",
    "level",
    "label",
    "keywords",
    "places",
    "messageCount",
    "expected",
    "score",
    "firstAt",
    "detectedAt",
    "samples",
  ],
  properties: {
    id: { type: "string" },
    status: { type: "string" },
    level: { type: "string" },
    label: { type: "string" },
    keywords: strings,
    places: { type: "array", items: namedPlaceSchema },
    channels: strings,
    messageCount: count,
    expected: { type: "number" },
    score: { type: "number" },
    firstAt: time,
    detectedAt: time,
    closedAt: { type: ["string", "null"], format: "date-time" },
    topicId: { type: ["string", "null"] },
    ticketNumbers: strings,
    samples: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "text", "time", "channel"],
        properties: { id: { type: "string" }, text: { type: "string" }, time, channel: { type: "string" } },
      },
    },
  },
} as const;

export const TREND_DIMENSIONS = ["sentiment", "domain", "place", "channel"] as const;

export const trendQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...periodProperties,
    bucket: { type: "string", enum: [...TREND_BUCKETS], default: "day" },
    by: { type: "string", enum: [...TREND_DIMENSIONS], default: "sentiment" },
    /** How many values (the largest over the period) get a series. */
    limit: { type: "integer", minimum: 1, maximum: 50, default: 10 },
  },
} as const;

export const trendPointSchema = {
  type: "object",
  required: ["start", "total", "negative", "neutral", "positive"],
  properties: { start: time, date: { type: "string" }, ...sentimentCountsProperties },
} as const;

export const topicIdParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 200 } },
} as const;

/** The period an answer is about. */
export const periodAnswer = { from: time, to: time } as const;
