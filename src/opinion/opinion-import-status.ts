// The progress of an import through the API, kept in OpinionImport so it survives a restart:
// created running, moved on at every batch (and by a heartbeat), then done or failed. A
// running import whose row has not moved for STALE_MS was interrupted (the process stopped):
// it reads as failed, with the reason, and is recorded so.
import type { PrismaClient } from "../db/database.ts";
import type { ImportReport } from "./opinion-import.ts";

export type ImportFormat = "jsonl" | "csv" | "xlsx";
export type ImportState = "running" | "done" | "failed";

/** A heartbeat moves a running import at least this often. */
export const HEARTBEAT_MS = 15_000;
/** Without a move for this long, a running import was interrupted. */
export const STALE_MS = 8 * HEARTBEAT_MS;
/** Rejected lines kept with the status (all are counted in `received`). */
export const MAX_REJECTED_KEPT = 1_000;

export const INTERRUPTED = "导入因服务重启或停止而中断。已导入的记录已保存，重新导入同一文件不会重复。";

export interface ImportStatus extends ImportReport {
  id: string;
  status: ImportState;
  format: string;
  username: string;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export class OpinionImports {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(format: ImportFormat, staff: { id: string | null; username: string }): Promise<string> {
    const row = await this.prisma.opinionImport.create({
      data: { status: "running", format, staffId: staff.id, username: staff.username },
      select: { id: true },
    });
    return row.id;
  }

  async progress(id: string, report: ImportReport): Promise<void> {
    await this.prisma.opinionImport.update({ where: { id }, data: { ...counts(report), updatedAt: this.now() } });
  }

  async heartbeat(id: string): Promise<void> {
    await this.prisma.opinionImport.updateMany({ where: { id, status: "running" }, data: { updatedAt: this.now() } });
  }

  async finish(id: string, report: ImportReport): Promise<void> {
    const at = this.now();
    await this.prisma.opinionImport.update({
      where: { id },
      data: { ...counts(report), status: "done", updatedAt: at, finishedAt: at },
    });
  }

  async fail(id: string, error: string, report?: ImportReport): Promise<void> {
    const at = this.now();
    await this.prisma.opinionImport.update({
      where: { id },
      data: { ...(report ? counts(report) : {}), status: "failed", error, updatedAt: at, finishedAt: at },
    });
  }

  /** The import's status; an interrupted one is recorded as failed first. */
  async read(id: string): Promise<ImportStatus | undefined> {
    let row = await this.prisma.opinionImport.findUnique({ where: { id } });
    if (row?.status === "running" && this.now().getTime() - row.updatedAt.getTime() > STALE_MS) {
      await this.prisma.opinionImport.updateMany({
        where: { id, status: "running", updatedAt: row.updatedAt },
        data: { status: "failed", error: INTERRUPTED, finishedAt: this.now() },
      });
      row = await this.prisma.opinionImport.findUnique({ where: { id } });
    }
    if (!row) return undefined;
    return {
      id: row.id,
      status: row.status as ImportState,
      format: row.format,
      username: row.username,
      received: row.received,
      analyzed: row.analyzed,
      duplicates: row.duplicates,
      rejected: row.rejected as ImportReport["rejected"],
      error: row.error,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
    };
  }
}

function counts(report: ImportReport) {
  return {
    received: report.received,
    analyzed: report.analyzed,
    duplicates: report.duplicates,
    rejected: report.rejected.slice(0, MAX_REJECTED_KEPT),
  };
}
