// Staff sessions: a random token handed out at login, stored only as its SHA-256,
// with an expiry. A lost database dump therefore holds no usable tokens.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import { verifyPassword } from "./passwords.ts";
import { isRole, type StaffPrincipal } from "./roles.ts";
import { recordStaffAudit } from "./staff-audit.ts";

export interface Session {
  token: string;
  expiresAt: Date;
  staff: StaffPrincipal;
}

export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class StaffSessions {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly lifetimeHours: number,
  ) {}

  /** A new session, or undefined when the username or password is wrong (both are audited). */
  async login(username: string, password: string, from: string): Promise<Session | undefined> {
    const account = await this.prisma.staffAccount.findUnique({ where: { username } });
    const ok = await verifyPassword(account?.passwordHash, password);
    if (!account || !ok || !account.active || !isRole(account.role)) {
      await recordStaffAudit(this.prisma, { id: account?.id ?? null, username }, "login_failed", undefined, { from });
      return undefined;
    }
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.now() + this.lifetimeHours * 3600 * 1000);
    await this.prisma.staffSession.create({ data: { tokenHash: tokenHash(token), staffId: account.id, expiresAt } });
    const staff: StaffPrincipal = {
      id: account.id,
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      departmentCode: account.departmentCode,
    };
    await recordStaffAudit(this.prisma, staff, "login", undefined, { from });
    return { token, expiresAt, staff };
  }

  /** The member of staff a token belongs to, if the session is live. */
  async authenticate(token: string): Promise<StaffPrincipal | undefined> {
    const session = await this.prisma.staffSession.findUnique({
      where: { tokenHash: tokenHash(token) },
      include: { staff: true },
    });
    if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return undefined;
    const { staff } = session;
    if (!staff.active || !isRole(staff.role)) return undefined;
    return {
      id: staff.id,
      username: staff.username,
      displayName: staff.displayName,
      role: staff.role,
      departmentCode: staff.departmentCode,
    };
  }

  async logout(token: string, staff: StaffPrincipal): Promise<void> {
    await this.prisma.staffSession.updateMany({
      where: { tokenHash: tokenHash(token), revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await recordStaffAudit(this.prisma, staff, "logout");
  }
}
