// Imported history (a hotline's past records, an exported Weibo search) through the same
// analysis and writer as live messages: one record per JSON line, CSV row or row of an XLSX
// workbook's first sheet, with `text`,
// `time` (ISO 8601; without a zone, the hub's TIME_ZONE) and optionally `channel`, `externalId` and `place` (or `region`).
// A record is stored once: its source id is its channel and externalId — or, without one,
// a hash of its time and text — so importing a file again adds nothing. Records are
// analysed in batches; each batch's write overlaps the next batch's analysis.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { zoneOffsetMs } from "../calendar/zoned-days.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import { CsvReader } from "./csv-reader.ts";
import type { OpinionRecorder, OpinionSourceRecord } from "./opinion-recorder.ts";
import { hasWords, OpinionSources } from "./opinion-source.ts";
import { storeOpinionRows } from "./opinion-store.ts";

/** The channel of a record that names none. */
export const IMPORT_CHANNEL = "import";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const CHANNEL = /^[a-z0-9_-]{1,32}$/i;

export type ImportLine = { line: number; fields: Record<string, unknown> } | { line: number; error: string };

export interface ImportReport {
  /** Records read (lines with something on them). */
  received: number;
  /** Analysed and stored now. */
  analyzed: number;
  /** Stored before (same externalId, or same time and text), or twice in the file. */
  duplicates: number;
  /** Each with its line and "第N行：<why>" in Chinese. */
  rejected: { line: number; error: string }[];
}

/** Why a record cannot be imported, as the person who exported the file reads it (without the line). */
export const ImportProblems = {
  notJson: "不是 JSON 对象",
  noText: "缺少 text 字段",
  textNotString: "text 字段应为文字",
  noWords: "text 字段没有可分析的文字（空白或只有[图片]之类的占位）",
  noTime: "缺少 time 字段",
  badTime: "时间不是 ISO 8601 格式，例如 2026-12-07T08:30:00+08:00",
  badChannel: "channel 只能由字母、数字、_ 或 - 组成，最多 32 个字符",
  badExternalId: "externalId 应为文字或数字",
  badPlace: "place（或 region）应为文字",
} as const;

/** A rejected record's message: "第N行：…" (N the file's line, or the sheet's row for XLSX). */
export function rejection(line: number, problem: string): { line: number; error: string } {
  return { line, error: `第${line}行：${problem}` };
}

/** A record's source, or why it cannot be imported. */
export function importRecord(
  fields: Record<string, unknown>,
  /** The zone of a time written without one (the hub's TIME_ZONE). */
  timeZone = "UTC",
): OpinionSourceRecord | { error: string } {
  const { text, time, channel = IMPORT_CHANNEL, externalId } = fields;
  const place = fields.place ?? fields.region;
  if (text === undefined || text === null) return { error: ImportProblems.noText };
  if (typeof text !== "string") return { error: ImportProblems.textNotString };
  if (!hasWords(text)) return { error: ImportProblems.noWords };
  if (time === undefined || time === null || time === "") return { error: ImportProblems.noTime };
  const at = typeof time === "string" && ISO_TIME.test(time.trim()) ? timeOf(time.trim(), timeZone) : undefined;
  if (!at || Number.isNaN(at.getTime())) return { error: ImportProblems.badTime };
  if (typeof channel !== "string" || !CHANNEL.test(channel)) return { error: ImportProblems.badChannel };
  if (externalId !== undefined && externalId !== "" && typeof externalId !== "string" && typeof externalId !== "number")
    return { error: ImportProblems.badExternalId };
  if (place !== undefined && typeof place !== "string") return { error: ImportProblems.badPlace };
  const id =
    externalId === undefined || externalId === ""
      ? `sha256:${createHash("sha256").update(`${at.toISOString()}\n${text}`).digest("hex")}`
      : String(externalId);
  return {
    sourceKind: OpinionSources.import,
    sourceId: `${channel}:${id}`,
    channel,
    at,
    text,
    ...(place ? { place } : {}),
  };
}

/** An ISO 8601 time; one without a zone is a wall time in timeZone, whatever the machine's zone. */
function timeOf(written: string, timeZone: string): Date {
  const iso = written.replace(" ", "T");
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) return new Date(iso);
  const wall = Date.parse(`${iso}Z`);
  if (Number.isNaN(wall)) return new Date(Number.NaN);
  // The offset at the guess may differ from the one at the instant (daylight saving): correct once.
  const guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  return new Date(wall - zoneOffsetMs(new Date(guess), timeZone));
}

/** The records of a JSON Lines file, chunk by chunk. */
export async function* jsonLines(chunks: AsyncIterable<string>): AsyncGenerator<ImportLine> {
  let rest = "";
  let line = 0;
  const parse = (text: string): ImportLine | undefined => {
    line++;
    if (text.trim() === "") return undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === "object" && !Array.isArray(value))
        return { line, fields: value as Record<string, unknown> };
    } catch {
      // reported below
    }
    return { line, error: ImportProblems.notJson };
  };
  for await (const chunk of chunks) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const text of lines) {
      const parsed = parse(text);
      if (parsed) yield parsed;
    }
  }
  const last = parse(rest);
  if (last) yield last;
}

/** A data row under a header row as a record's fields (empty cells left out). */
function fieldsUnder(header: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const value = values[i];
    if (value !== undefined && value !== null && value !== "") fields[name] = value;
  });
  return fields;
}

/** A header cell as a field name (a UTF-8 BOM and spaces dropped). */
function headerName(cell: unknown): string {
  return String(cell ?? "")
    .replace(/^\uFEFF/, "")
    .trim();
}

/** The records of a CSV file with a header row (text,time,channel,externalId,place), chunk by chunk. */
export async function* csvLines(chunks: AsyncIterable<string>): AsyncGenerator<ImportLine> {
  const reader = new CsvReader();
  let header: string[] | undefined;
  const records = function* (batch: ReturnType<CsvReader["push"]>): Generator<ImportLine> {
    for (const record of batch) {
      if (!header) {
        header = record.fields.map(headerName);
        continue;
      }
      if (record.fields.every((f) => f.trim() === "")) continue;
      yield { line: record.line, fields: fieldsUnder(header, record.fields) };
    }
  };
  for await (const chunk of chunks) yield* records(reader.push(chunk));
  yield* records(reader.end());
}

/**
 * The records of an XLSX workbook's first sheet, under a header row like the CSV's, row by
 * row (exceljs's streaming reader: the sheet is never held whole). `line` is the sheet's row
 * number. A date cell is a wall time without zone (Excel has none), read in the hub's TIME_ZONE.
 */
export async function* xlsxLines(input: Readable | string): AsyncGenerator<ImportLine> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: "cache",
    worksheets: "emit",
    hyperlinks: "ignore",
    styles: "cache",
    entries: "ignore",
  });
  let header: string[] | undefined;
  for await (const sheet of workbook) {
    for await (const row of sheet) {
      // row.values is 1-based: index 0 is empty.
      const values = (row.values as unknown[]).slice(1).map(cellValue);
      if (!header) {
        header = values.map(headerName);
        continue;
      }
      if (values.every((v) => v === undefined || String(v).trim() === "")) continue;
      yield { line: row.number, fields: fieldsUnder(header, values) };
    }
    return; // the first sheet only
  }
}

/** A cell's value as the record has it: text, a number, or a date as its wall time. */
function cellValue(cell: unknown): unknown {
  if (cell instanceof Date) return cell.toISOString().slice(0, 19);
  if (cell && typeof cell === "object") {
    const c = cell as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (Array.isArray(c.richText)) return c.richText.map((r) => r.text).join("");
    if ("result" in c) return cellValue(c.result);
    if (typeof c.text === "string") return c.text; // a hyperlink
    return undefined;
  }
  return cell ?? undefined;
}

/** Analyses and stores the records; returns what became of them. */
export async function importOpinions(
  sql: Pick<SqlRunner, "query">,
  recorder: OpinionRecorder,
  lines: AsyncIterable<ImportLine>,
  options: {
    timeZone?: string;
    batchSize?: number;
    /** Called when a batch has been written, with the report so far (the API persists it). */
    onProgress?: (report: ImportReport) => Promise<void>;
  } = {},
): Promise<ImportReport> {
  const { timeZone = "UTC", batchSize = 1_000, onProgress } = options;
  const report: ImportReport = { received: 0, analyzed: 0, duplicates: 0, rejected: [] };
  let writing: Promise<void> = Promise.resolve();
  let batch: OpinionSourceRecord[] = [];
  const flush = async () => {
    const rows = batch.map((record) => recorder.row(record));
    batch = [];
    // One write in flight: the next batch is analysed while this one is written.
    await writing;
    await onProgress?.(report);
    writing = storeOpinionRows(sql, rows).then((inserted) => {
      report.analyzed += inserted;
      report.duplicates += rows.length - inserted;
    });
    // Awaited by the next flush or at the end; handled here so a failure is not reported before that.
    writing.catch(() => undefined);
  };
  for await (const item of lines) {
    report.received++;
    const record = "error" in item ? item : importRecord(item.fields, timeZone);
    if ("error" in record) report.rejected.push(rejection(item.line, record.error));
    else if (batch.push(record) >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await writing;
  return report;
}
