// The KPI table as staff download it (GET /api/staff/kpis/export.csv, .xlsx): one row per
// department with Chinese column headers. CSV starts with a UTF-8 BOM, without which
// Excel reads the Chinese as mojibake; rates are percentages, an empty cell means no data.
import ExcelJS from "exceljs";
import type { DepartmentKpis } from "./kpis.ts";

export const KPI_EXPORT_HEADERS = [
  "部门",
  "受理量",
  "办结量",
  "按时签收率",
  "按时办结率",
  "满意率",
  "重办率",
  "办理时长中位数（小时）",
  "表扬数",
] as const;

/** One exported row: the department's name, counts, rates (0–1) and hours; null = no data. */
export type KpiExportRow = [
  string,
  number,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number,
];

const RATE_COLUMNS = new Set([3, 4, 5, 6]);

export function kpiExportRows(rows: readonly DepartmentKpis[], nameOf: (code: string) => string): KpiExportRow[] {
  return rows.map((r) => [
    nameOf(r.departmentCode),
    r.received,
    r.resolved,
    r.acceptOnTimeRate,
    r.onTimeRate,
    r.satisfactionRate,
    r.reopenRate,
    r.medianHoursToResolve,
    r.praise,
  ]);
}

export function csvField(value: string): string {
  // Quoted when needed; a leading =, +, - or @ would be run as a formula by Excel.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function kpiCsv(rows: readonly KpiExportRow[]): string {
  const lines = [KPI_EXPORT_HEADERS.join(",")];
  for (const row of rows) {
    lines.push(
      row
        .map((cell, i) => {
          if (cell === null) return "";
          if (typeof cell === "string") return csvField(cell);
          return RATE_COLUMNS.has(i) ? `${round1(cell * 100)}%` : String(cell);
        })
        .join(","),
    );
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export async function kpiXlsx(rows: readonly KpiExportRow[], sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = KPI_EXPORT_HEADERS.map((header, i) => ({
    header,
    width: i === 0 ? 36 : i === 7 ? 22 : 12,
    style: RATE_COLUMNS.has(i) ? { numFmt: "0.0%" } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  for (const row of rows) sheet.addRow(row.map((cell) => cell ?? undefined));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
