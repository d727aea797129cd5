// Measures the analysis on labelled messages (JSON Lines with `text` and `sentiment`
// and/or `emotion`): accuracy, per-class precision/recall/F1 and macro-F1 for sentiment
// and emotion, and negative-vs-rest. Labels from other sets are mapped to the analysis's
// own (opinion-labels.ts).
import type { Emotion } from "../knowledge/opinion-lexicon-schema.ts";
import {
  formatTaskReport,
  oneVsRestReport,
  type Prediction,
  type TaskReport,
  taskReport,
} from "../language/ml/metrics.ts";
import type { OpinionAnalyzer } from "./opinion-analyzer.ts";
import { EMOTION_LABEL_MAP, SENTIMENT_LABEL_MAP } from "./opinion-labels.ts";
import type { Sentiment } from "./opinion-message.ts";

export interface LabelledOpinion {
  text: string;
  sentiment?: Sentiment;
  emotion?: Emotion;
}

export class LabelledOpinionError extends Error {}

/** Parses JSON Lines of labelled messages; a missing or null label is not labelled for that task. */
export function parseLabelledOpinions(content: string, source: string): LabelledOpinion[] {
  const messages: LabelledOpinion[] = [];
  content.split("\n").forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === "") return;
    const where = `${source} line ${i + 1}`;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch (err) {
      throw new LabelledOpinionError(`${where}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof record !== "object" || record === null || Array.isArray(record))
      throw new LabelledOpinionError(`${where}: expected a JSON object`);
    if (typeof record.text !== "string") throw new LabelledOpinionError(`${where}: "text" must be a string`);
    const message: LabelledOpinion = { text: record.text };
    const sentiment = mapLabel(record.sentiment, SENTIMENT_LABEL_MAP, "sentiment", where);
    const emotion = mapLabel(record.emotion, EMOTION_LABEL_MAP, "emotion", where);
    if (sentiment) message.sentiment = sentiment;
    if (emotion) message.emotion = emotion;
    messages.push(message);
  });
  return messages;
}

function mapLabel<L extends string>(
  value: unknown,
  map: Readonly<Record<string, L>>,
  field: string,
  where: string,
): L | undefined {
  if (value === undefined || value === null) return undefined;
  const label = typeof value === "string" ? map[value.trim()] : undefined;
  if (!label)
    throw new LabelledOpinionError(`${where}: "${field}" must be one of ${Object.keys(map).join(", ")} (or null)`);
  return label;
}

export interface OpinionEvaluation {
  sentiment: TaskReport;
  /** Sentiment collapsed to negative vs everything else. */
  negativeVsRest: TaskReport;
  emotion: TaskReport;
}

export function evaluateOpinions(analyzer: OpinionAnalyzer, messages: readonly LabelledOpinion[]): OpinionEvaluation {
  const sentiment: Prediction[] = [];
  const emotion: Prediction[] = [];
  for (const message of messages) {
    const analysis = analyzer.analyzeMessage(message.text);
    if (message.sentiment) sentiment.push({ truth: message.sentiment, predicted: analysis.sentiment });
    if (message.emotion) emotion.push({ truth: message.emotion, predicted: analysis.emotion });
  }
  const sentimentReport = taskReport(sentiment);
  return {
    sentiment: sentimentReport,
    negativeVsRest: oneVsRestReport(sentimentReport.confusion, "negative", "rest"),
    emotion: taskReport(emotion),
  };
}

/** The report for people (`npm run opinion -- eval`). */
export function formatOpinionEvaluation(evaluation: OpinionEvaluation): string {
  return [
    formatTaskReport("sentiment", evaluation.sentiment),
    formatTaskReport("sentiment, negative vs rest", evaluation.negativeVsRest),
    formatTaskReport("emotion", evaluation.emotion),
  ].join("\n\n");
}
