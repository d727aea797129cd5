// The first admin account from BOOTSTRAP_ADMIN_USER / BOOTSTRAP_ADMIN_PASSWORD, created at
// start when no admin exists, so a new hub needs no command line (and no second process on
// an embedded database). Once any admin exists it does nothing. The password is never logged.
import { ConfigError } from "../config.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { AccountError, createStaffAccount } from "./accounts.ts";
import { recordStaffAudit } from "./staff-audit.ts";

export type BootstrapOutcome = "off" | "exists" | "created";

export async function bootstrapAdmin(
  prisma: PrismaClient,
  account: { username: string; password: string } | undefined,
  log: Logger,
): Promise<BootstrapOutcome> {
  if (!account) return "off";
  if (await adminExists(prisma)) {
    log.debug("an admin account exists; BOOTSTRAP_ADMIN_USER is not used");
    return "exists";
  }
  try {
    const admin = await createStaffAccount(
      prisma,
      { username: account.username, password: account.password, displayName: "系统管理员", role: "admin" },
      new Set(),
    );
    await recordStaffAudit(prisma, { id: null, username: "system:bootstrap" }, "create_account", admin.username, {
      role: admin.role,
      from: "BOOTSTRAP_ADMIN_USER",
    });
    log.info({ username: admin.username }, "created the first admin account from BOOTSTRAP_ADMIN_USER");
    return "created";
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    // A web server and a worker starting together: the other one created it first.
    if (error.kind === "conflict" && (await adminExists(prisma))) return "exists";
    // Named by variable; the message states the rule, never the value.
    const variable = error.field === "password" ? "BOOTSTRAP_ADMIN_PASSWORD" : "BOOTSTRAP_ADMIN_USER";
    throw ConfigError.invalid([`${variable}: ${error.message}`]);
  }
}

function adminExists(prisma: PrismaClient): Promise<boolean> {
  return prisma.staffAccount.findFirst({ where: { role: "admin" }, select: { id: true } }).then(Boolean);
}
