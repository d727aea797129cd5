// Creating staff accounts (by the CLI for the first admin, by admins through the API).
import type { PrismaClient } from "../db/database.ts";
import { isUniqueViolation } from "../db/transaction.ts";
import { hashPassword, passwordProblem } from "./passwords.ts";
import { isRole, ROLES, type StaffPrincipal } from "./roles.ts";

export interface NewStaffAccount {
  username: string;
  password: string;
  displayName: string;
  role: string;
  departmentCode?: string | null;
}

export class AccountError extends Error {
  override name = "AccountError";
  constructor(
    message: string,
    readonly field: string,
    readonly kind: "invalid" | "conflict" | "not_found" | "forbidden" = "invalid",
  ) {
    super(message);
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export async function createStaffAccount(
  prisma: PrismaClient,
  input: NewStaffAccount,
  departments: ReadonlySet<string>,
): Promise<StaffPrincipal> {
  if (!USERNAME.test(input.username))
    throw new AccountError("username must be 2–64 lower-case letters, digits, dots, dashes or underscores", "username");
  const weak = passwordProblem(input.password);
  if (weak) throw new AccountError(weak, "password");
  if (!isRole(input.role)) throw new AccountError(`role must be one of ${ROLES.join(", ")}`, "role");
  const departmentCode = input.departmentCode ?? null;
  if (input.role === "staff" && !departmentCode)
    throw new AccountError("department staff need a department", "departmentCode");
  if (departmentCode && !departments.has(departmentCode))
    throw new AccountError(`unknown department "${departmentCode}"`, "departmentCode");
  try {
    const account = await prisma.staffAccount.create({
      data: {
        username: input.username,
        displayName: input.displayName.trim() || input.username,
        passwordHash: await hashPassword(input.password),
        role: input.role,
        departmentCode,
      },
    });
    return {
      id: account.id,
      username: account.username,
      displayName: account.displayName,
      role: input.role,
      departmentCode,
    };
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AccountError(`username "${input.username}" is taken`, "username", "conflict");
    throw error;
  }
}
