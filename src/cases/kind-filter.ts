// Which tickets a figure or a list is about, by kind: the work owed an answer (complaints,
// requests for help, suggestions), or praise (表扬), which is only counted as 表扬数.
// One SQL condition for each, so 统计's figures and the inbox lists behind them agree.
import { Prisma } from "../generated/prisma/client.ts";

export const KIND_FILTERS = ["work", "praise"] as const;
export type KindFilter = (typeof KIND_FILTERS)[number];

export const KIND_FILTER_SQL: Record<KindFilter, Prisma.Sql> = {
  work: Prisma.sql`"kind" <> 'praise'`,
  praise: Prisma.sql`"kind" = 'praise'`,
};
