// `npm run staff -- <command>`: manage staff accounts from the command line, e.g. the
// first admin, who then creates the others through the API.
//   npm run staff -- create --username admin --role admin --name 系统管理员
//   npm run staff -- create --username cg.zhang --role staff --department CG --name 张三
//   npm run staff -- list
//   npm run staff -- disable --username cg.zhang
// The password comes from STAFF_PASSWORD, or else the first line of standard input.
// On the embedded database it cannot run while the hub does (one process at a time): it
// says so; the first admin can instead come from BOOTSTRAP_ADMIN_USER / _PASSWORD at start.
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { loadCatalog } from "../knowledge/load-catalog.ts";
import { loadConfig } from "../config.ts";
import { databaseTarget, openDatabase } from "../db/database.ts";
import { describeDatabaseError } from "../db/describe-error.ts";
import { migrate } from "../db/migrate.ts";
import { AccountError, createStaffAccount } from "./accounts.ts";
import { ROLES } from "./roles.ts";

const USAGE = `usage:
  npm run staff -- create --username <name> --role <${ROLES.join("|")}> [--department <code>] [--name <display name>]
  npm run staff -- list
  npm run staff -- disable --username <name>
The password is read from STAFF_PASSWORD or the first line of standard input.
With the embedded database (no DATABASE_URL), stop the hub first, or create the first admin
by starting the hub with BOOTSTRAP_ADMIN_USER and BOOTSTRAP_ADMIN_PASSWORD.`;

async function readPassword(): Promise<string> {
  if (process.env.STAFF_PASSWORD) return process.env.STAFF_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write("password: ");
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return "";
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: "string" },
      role: { type: "string" },
      department: { type: "string" },
      name: { type: "string" },
    },
  });
  if (!command || !["create", "list", "disable"].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(databaseTarget(config));
  try {
    await migrate(db.sql);
    if (command === "list") {
      const accounts = await db.prisma.staffAccount.findMany({ orderBy: { username: "asc" } });
      for (const a of accounts)
        console.log(
          `${a.username}\t${a.role}\t${a.departmentCode ?? "-"}\t${a.displayName}${a.active ? "" : "\t(disabled)"}`,
        );
      return 0;
    }
    if (!values.username) {
      console.error(`--username is required\n${USAGE}`);
      return 2;
    }
    if (command === "disable") {
      const { count } = await db.prisma.staffAccount.updateMany({
        where: { username: values.username },
        data: { active: false },
      });
      await db.prisma.staffSession.updateMany({
        where: { staff: { username: values.username }, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      console.log(count ? `disabled ${values.username}; their sessions are ended` : `no account ${values.username}`);
      return count ? 0 : 1;
    }
    const catalog = await loadCatalog(config.intentsDir);
    const account = await createStaffAccount(
      db.prisma,
      {
        username: values.username,
        password: await readPassword(),
        displayName: values.name ?? values.username,
        role: values.role ?? "",
        departmentCode: values.department ?? null,
      },
      new Set(catalog.departments.filter((d) => !d.disabled).map((d) => d.code)),
    );
    console.log(
      `created ${account.role} ${account.username}${account.departmentCode ? ` (${account.departmentCode})` : ""}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof AccountError) {
      const option =
        { departmentCode: "--department", username: "--username", role: "--role", password: "the password" }[
          error.field
        ] ?? error.field;
      console.error(`${option}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(describeDatabaseError(error, "staff 命令失败 / staff command failed"));
    process.exit(2);
  },
);
