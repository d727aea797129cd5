// `npm run audit:verify [-- --json]`: verifies every ticket's audit trail in the
// configured database (DATABASE_URL, or the embedded PGlite under DATA_DIR).
// Exit code 0: intact; 1: tampering found; 2: could not check.
import { loadConfig } from "../config.ts";
import { databaseTarget, openDatabase } from "../db/database.ts";
import { describeDatabaseError } from "../db/describe-error.ts";
import { verifyAuditTrail } from "./audit-verify.ts";

async function main(): Promise<number> {
  const json = process.argv.includes("--json");
  const config = loadConfig();
  const db = await openDatabase(databaseTarget(config));
  try {
    const report = await verifyAuditTrail(db.prisma);
    if (json) {
      console.log(JSON.stringify(report));
    } else {
      console.log(`审计校验 / audit verify (${db.backend}): ${report.tickets} tickets, ${report.events} events`);
      for (const p of report.problems) {
        const event = p.seq !== undefined ? ` event #${p.seq} (${p.eventType})` : "";
        console.log(`  TAMPERED ${p.ticketNumber}${event}: ${p.problem}`);
      }
      console.log(
        report.problems.length === 0
          ? "OK: every chain is intact and every ticket matches its history."
          : `FAILED: ${report.problems.length} problem(s) in ${new Set(report.problems.map((p) => p.ticketId)).size} ticket(s).`,
      );
      if (report.unverifiable > 0)
        console.log(
          `  note: ${report.unverifiable} erased event(s) predate content hashing; they are linked, but their own hash cannot be recomputed`,
        );
      console.log(`digest ${report.digest}  (keep it outside the database to detect a wholesale rewrite later)`);
    }
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(describeDatabaseError(error, "审计校验无法运行 / audit verify could not run"));
    process.exit(2);
  },
);
