// How a database failure reads in a command-line tool (npm run staff, npm run audit:verify):
// the refusal of a locked embedded database as it is (it says what to do), anything else as
// one line instead of a driver's multi-line message or a stack.
import { DatabaseLockedError } from "./embedded-lock.ts";

const MAX_LINE = 300;

/** `failed` heads the line, e.g. "staff command failed". */
export function describeDatabaseError(error: unknown, failed: string): string {
  if (error instanceof DatabaseLockedError) return error.message;
  const code = (error as { code?: unknown })?.code;
  const text = oneLine(error);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || /ECONNREFUSED|ENOTFOUND/.test(text))
    return `${failed}: 无法连接数据库，请检查 DATABASE_URL / cannot reach the database, check DATABASE_URL (${text})`;
  return `${failed}: ${text}`;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  // Prisma starts with "Invalid `prisma.x()` invocation in <file>" and ends with the cause.
  const line = (lines[0]?.startsWith("Invalid `") ? lines.at(-1) : lines[0]) ?? (error as Error)?.name ?? "error";
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
}
