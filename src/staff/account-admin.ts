// Managing staff accounts after creation: a member changes their own password; admins list
// accounts, change role, department, name or active, and reset passwords. Disabling an
// account or setting a password ends its sessions at once (a changed own password keeps the
// session it was changed from). The last active admin can be neither disabled nor demoted,
// checked under a row lock so two admins demoting each other cannot both succeed.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { AccountError } from "./accounts.ts";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.ts";
import { isRole, ROLES, type Role, type StaffPrincipal } from "./roles.ts";
import { tokenHash } from "./sessions.ts";

export interface StaffAccountView {
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
  active: boolean;
  createdAt: Date;
}

export interface AccountChanges {
  displayName?: string;
  role?: string;
  departmentCode?: string | null;
  active?: boolean;
}

function view(account: {
  username: string;
  displayName: string;
  role: string;
  departmentCode: string | null;
  active: boolean;
  createdAt: Date;
}): StaffAccountView {
  return { ...account, role: account.role as Role };
}

async function endSessions(db: PrismaClient | Tx, staffId: string, keepToken?: string): Promise<number> {
  const { count } = await db.staffSession.updateMany({
    where: { staffId, revokedAt: null, ...(keepToken && { tokenHash: { not: tokenHash(keepToken) } }) },
    data: { revokedAt: new Date() },
  });
  return count;
}

/** The member's own password; their other sessions end (a stolen token stops working). */
export async function changeOwnPassword(
  prisma: PrismaClient,
  staff: StaffPrincipal,
  input: { currentPassword: string; newPassword: string; currentToken: string },
): Promise<{ sessionsEnded: number }> {
  const account = await prisma.staffAccount.findUniqueOrThrow({ where: { id: staff.id } });
  if (!(await verifyPassword(account.passwordHash, input.currentPassword)))
    throw new AccountError("当前密码不正确，请重新输入。", "currentPassword", "forbidden");
  const weak = passwordProblem(input.newPassword);
  if (weak) throw new AccountError(weak, "newPassword");
  if (input.newPassword === input.currentPassword) throw new AccountError("新密码不能与当前密码相同。", "newPassword");
  const passwordHash = await hashPassword(input.newPassword);
  return prisma.$transaction(async (tx) => {
    await tx.staffAccount.update({ where: { id: staff.id }, data: { passwordHash } });
    return { sessionsEnded: await endSessions(tx, staff.id, input.currentToken) };
  });
}

export async function listAccounts(prisma: PrismaClient): Promise<StaffAccountView[]> {
  const accounts = await prisma.staffAccount.findMany({ orderBy: { username: "asc" } });
  return accounts.map(view);
}

/** An admin changes an account; returns it, and how many sessions ended (disabling ends all). */
export async function updateAccount(
  prisma: PrismaClient,
  username: string,
  changes: AccountChanges,
  departments: ReadonlySet<string>,
): Promise<{ account: StaffAccountView; sessionsEnded: number }> {
  if (changes.role !== undefined && !isRole(changes.role))
    throw new AccountError(`role must be one of ${ROLES.join(", ")}`, "role");
  if (changes.departmentCode && !departments.has(changes.departmentCode))
    throw new AccountError(`unknown department "${changes.departmentCode}"`, "departmentCode");
  const displayName = changes.displayName?.trim();
  if (changes.displayName !== undefined && !displayName) throw new AccountError("姓名不能为空。", "displayName");

  return prisma.$transaction(async (tx) => {
    // Every active admin row locked: concurrent demotions queue here and see each other's result.
    const admins = await tx.$queryRaw<{ username: string }[]>`
      SELECT "username" FROM "StaffAccount" WHERE "role" = 'admin' AND "active" FOR UPDATE`;
    const account = await tx.staffAccount.findUnique({ where: { username } });
    if (!account) throw new AccountError(`没有用户名为 ${username} 的账号。`, "username", "not_found");
    const role = changes.role ?? account.role;
    const active = changes.active ?? account.active;
    const departmentCode = changes.departmentCode === undefined ? account.departmentCode : changes.departmentCode;
    if (role === "staff" && !departmentCode) throw new AccountError("部门工作人员须指定所属部门。", "departmentCode");
    const wasActiveAdmin = account.role === "admin" && account.active;
    if (wasActiveAdmin && (role !== "admin" || !active) && admins.length <= 1)
      throw new AccountError("这是最后一个启用的管理员账号，不能停用或改为其他角色。", "role", "conflict");
    const updated = await tx.staffAccount.update({
      where: { username },
      data: {
        ...(displayName !== undefined && { displayName }),
        role,
        active,
        departmentCode,
      },
    });
    const sessionsEnded = account.active && !active ? await endSessions(tx, account.id) : 0;
    return { account: view(updated), sessionsEnded };
  });
}

/** An admin sets a new password for an account; all its sessions end. */
export async function resetPassword(
  prisma: PrismaClient,
  username: string,
  newPassword: string,
): Promise<{ sessionsEnded: number }> {
  const weak = passwordProblem(newPassword);
  if (weak) throw new AccountError(weak, "newPassword");
  const passwordHash = await hashPassword(newPassword);
  return prisma.$transaction(async (tx) => {
    const account = await tx.staffAccount.findUnique({ where: { username } });
    if (!account) throw new AccountError(`没有用户名为 ${username} 的账号。`, "username", "not_found");
    await tx.staffAccount.update({ where: { id: account.id }, data: { passwordHash } });
    return { sessionsEnded: await endSessions(tx, account.id) };
  });
}
