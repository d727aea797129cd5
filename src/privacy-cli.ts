// `npm run privacy -- <command>`: the retention policy and a citizen's access right.
//   npm run privacy -- purge [--dry-run] [--json]
//       erases personal data past RETENTION_DAYS (the worker also runs it on RETENTION_CRON)
//   npm run privacy -- export --channel wechat --user <openid>
//   npm run privacy -- export --channel webchat --session <the token the citizen's browser keeps>
//       prints everything held about one citizen as JSON, and records the export
// Exit code 0: done; 2: could not run (e.g. the embedded database is held by the hub).
// At the composition root: a web chat session token is turned into its citizen id by the
// web chat connector's own rule.
import { parseArgs } from "node:util";
import { sessionUserId } from "../connectors/webchat/chat-session.ts";
import { exportCitizenData } from "./cases/privacy-export.ts";
import { countDue, purgeExpired } from "./cases/retention.ts";
import { loadConfig } from "./config.ts";
import { databaseTarget, openDatabase } from "./db/database.ts";
import { describeDatabaseError } from "./db/describe-error.ts";
import { maskText } from "./privacy/mask.ts";
import { recordStaffAudit } from "./staff/staff-audit.ts";

const USAGE = `usage:
  npm run privacy -- purge [--dry-run] [--json]
  npm run privacy -- export --channel <channel> --user <channel user id>
  npm run privacy -- export --channel webchat --session <session token>
With the embedded database (no DATABASE_URL), stop the hub first; the running hub's
worker applies the policy itself on RETENTION_CRON.`;

class UsageError extends Error {}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      channel: { type: "string" },
      user: { type: "string" },
      session: { type: "string" },
    },
  });
  const command = positionals[0];
  if (command !== "purge" && command !== "export") throw new UsageError(USAGE);
  const config = loadConfig();
  const db = await openDatabase(databaseTarget(config));
  try {
    if (command === "purge") {
      const policy = { days: config.retention.days };
      const report = values["dry-run"]
        ? { dryRun: true, ...(await countDue(db.prisma, policy)) }
        : await purgeExpired(db.prisma, policy);
      console.log(values.json ? JSON.stringify(report) : describe(report, policy.days));
      return 0;
    }
    const channel = values.channel;
    const user = values.session !== undefined ? sessionUserId(values.session) : values.user;
    if (!channel || !user) throw new UsageError(USAGE);
    const data = await exportCitizenData(db.prisma, channel, user);
    // Who asked cannot be known here; that an export was made, and of whom, is on the record.
    await recordStaffAudit(
      db.prisma,
      { id: null, username: "cli:privacy" },
      "privacy_export",
      `${channel}:${maskText(user)}`,
      {
        messages: data.messages.length,
        tickets: data.tickets.length,
      },
    );
    console.log(JSON.stringify(data, null, 2));
    return 0;
  } finally {
    await db.close();
  }
}

function describe(report: object, days: number): string {
  const lines = Object.entries(report).map(([k, v]) => `  ${k}: ${v}`);
  return [`个人信息保存期限 / retention: ${days} days`, ...lines].join("\n");
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(describeDatabaseError(error, "隐私命令无法运行 / privacy command could not run"));
    process.exit(2);
  },
);
