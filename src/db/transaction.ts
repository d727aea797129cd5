import type { Prisma } from "../generated/prisma/client.ts";

/** A Prisma client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;

/** True when a Prisma error is a unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
