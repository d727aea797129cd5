// POST /api/opinion/import (analysts and admins): history as JSON Lines, CSV or XLSX (by
// Content-Type), up to 50 MB. The body is handed over as a stream (no parsing into memory)
// and written to a temporary file; the answer is 202 {importId}, and the import runs in the
// background in this process through the CLI's importOpinions, its progress kept in
// OpinionImport: GET /api/opinion/imports/:id.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import {
  csvLines,
  type ImportLine,
  type ImportReport,
  importOpinions,
  jsonLines,
  xlsxLines,
} from "../opinion/opinion-import.ts";
import { type ImportFormat, HEARTBEAT_MS, INTERRUPTED, OpinionImports } from "../opinion/opinion-import-status.ts";
import type { OpinionRecorder } from "../opinion/opinion-recorder.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import type { StaffSessions } from "../staff/sessions.ts";
import { HttpError } from "./error-handler.ts";
import { opinionImporter, requireOpinionReader } from "./opinion-access.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

/** The media types accepted, and the format each means. */
export const IMPORT_MEDIA_TYPES: Record<string, ImportFormat> = {
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/x-jsonlines": "jsonl",
  "text/csv": "csv",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
};

const UNREADABLE: Record<ImportFormat, string> = {
  jsonl: "导入失败：文件无法读取。",
  csv: "导入失败：文件无法读取。",
  xlsx: "导入失败：无法读取该 XLSX 文件，请确认它是 Excel 工作簿（.xlsx）。",
};

export interface OpinionImportRoutesOptions {
  prisma: PrismaClient;
  sql: Pick<SqlRunner, "query">;
  sessions: Pick<StaffSessions, "authenticate">;
  timeZone: string;
  recorder: () => Promise<OpinionRecorder>;
}

class TooLarge extends Error {}

/** Passes at most `max` bytes through, then fails. */
function byteLimit(max: number, counted: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counted.bytes += chunk.length;
      if (counted.bytes > max) callback(new TooLarge());
      else callback(null, chunk);
    },
  });
}

/** Stops reading when the server closes, so the import ends as failed (interrupted) rather than half-recorded as running. */
async function* until(lines: AsyncIterable<ImportLine>, signal: AbortSignal): AsyncGenerator<ImportLine> {
  for await (const line of lines) {
    if (signal.aborted) throw signal.reason;
    yield line;
  }
}

export async function opinionImportRoutes(app: FastifyInstance, options: OpinionImportRoutesOptions) {
  const { prisma, sql, timeZone } = options;
  const imports = new OpinionImports(prisma);
  const readers = { onRequest: requireOpinionReader(options.sessions) };
  const closing = new AbortController();
  const running = new Set<Promise<void>>();

  // The body stays a stream: the route writes it to disk with a byte limit of its own.
  app.addContentTypeParser(Object.keys(IMPORT_MEDIA_TYPES), (_request, payload, done) => done(null, payload));

  const linesOf = (format: ImportFormat, file: string): AsyncIterable<ImportLine> => {
    if (format === "xlsx") return xlsxLines(file);
    const text = fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
    return format === "csv" ? csvLines(text) : jsonLines(text);
  };

  async function run(id: string, format: ImportFormat, dir: string, file: string): Promise<void> {
    const heartbeat = setInterval(() => void imports.heartbeat(id).catch(() => undefined), HEARTBEAT_MS);
    heartbeat.unref();
    let report: ImportReport | undefined;
    try {
      const recorder = await options.recorder();
      report = await importOpinions(sql, recorder, until(linesOf(format, file), closing.signal), {
        timeZone,
        onProgress: (soFar) => {
          report = soFar;
          return imports.progress(id, soFar);
        },
      });
      await imports.finish(id, report);
    } catch (error) {
      // The error only: a record's text is never logged.
      app.log.error(
        { importId: id, error: error instanceof Error ? error.message : String(error) },
        "opinion import failed",
      );
      await imports.fail(id, closing.signal.aborted ? INTERRUPTED : UNREADABLE[format], report).catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }

  app.addHook("onClose", async () => {
    closing.abort(new Error("server closing"));
    await Promise.all(running);
  });

  app.post(
    "/import",
    {
      ...readers,
      schema: {
        // No body schema: the body is a file (JSON Lines, CSV or XLSX), read as a stream.
        response: {
          202: { type: "object", required: ["importId"], properties: { importId: { type: "string" } } },
          ...staffErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const staff = opinionImporter(request);
      const mediaType = String(request.headers["content-type"] ?? "")
        .split(";")[0]!
        .trim()
        .toLowerCase();
      const format = IMPORT_MEDIA_TYPES[mediaType]!;
      if (Number(request.headers["content-length"] ?? 0) > IMPORT_MAX_BYTES)
        throw new HttpError(413, "文件超过 50 MB，请拆分后分批导入。");
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "opinion-import-"));
      const file = path.join(dir, `upload.${format}`);
      const counted = { bytes: 0 };
      try {
        await pipeline(request.body as Readable, byteLimit(IMPORT_MAX_BYTES, counted), fs.createWriteStream(file));
      } catch (error) {
        await fsp.rm(dir, { recursive: true, force: true });
        if (error instanceof TooLarge) throw new HttpError(413, "文件超过 50 MB，请拆分后分批导入。");
        throw error;
      }
      const importId = await imports.start(format, staff);
      await recordStaffAudit(prisma, staff, "import_opinions", importId, { format, bytes: counted.bytes });
      const job = run(importId, format, dir, file);
      running.add(job);
      void job.finally(() => running.delete(job));
      return reply.code(202).send({ importId });
    },
  );

  app.get<{ Params: { id: string } }>(
    "/imports/:id",
    {
      ...readers,
      schema: {
        params: {
          type: "object",
          required: ["id"],
          properties: { id: { type: "string", pattern: "^[0-9a-f-]{36}$" } },
        },
        response: {
          200: {
            type: "object",
            required: ["id", "status", "received", "analyzed", "duplicates", "rejected"],
            properties: {
              id: { type: "string" },
              status: { type: "string", enum: ["running", "done", "failed"] },
              format: { type: "string" },
              received: { type: "integer" },
              analyzed: { type: "integer" },
              duplicates: { type: "integer" },
              /** The first 1,000 rejected lines. */
              rejected: {
                type: "array",
                items: {
                  type: "object",
                  required: ["line", "error"],
                  properties: { line: { type: "integer" }, error: { type: "string" } },
                },
              },
              /** Why it failed. */
              error: { type: ["string", "null"] },
              startedAt: { type: "string", format: "date-time" },
              finishedAt: { type: ["string", "null"], format: "date-time" },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const status = await imports.read(request.params.id);
      if (!status) throw new HttpError(404, "没有这次导入。");
      return status;
    },
  );
}
