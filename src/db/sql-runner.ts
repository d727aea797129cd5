// The smallest SQL surface the migration runner and health checks need, over either
// backend. Prisma's raw queries use prepared statements, which cannot run a
// multi-statement migration file, so these go to the driver directly.
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

export interface SqlRunner {
  /** Runs a script of one or more statements (simple query protocol). */
  exec(sql: string): Promise<void>;
  /** Runs one parameterized statement and returns its rows. */
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs fn on one connection inside BEGIN … COMMIT (ROLLBACK on error). */
  transaction<T>(fn: (tx: Omit<SqlRunner, "transaction">) => Promise<T>): Promise<T>;
}

export function pgPoolRunner(pool: pg.Pool): SqlRunner {
  const onClient = (client: pg.PoolClient | pg.Pool): Omit<SqlRunner, "transaction"> => ({
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows as Row[],
  });
  return {
    ...onClient(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(onClient(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

export function pgliteRunner(db: PGlite): SqlRunner {
  type Queryable = Pick<PGlite, "exec" | "query">;
  const on = (q: Queryable): Omit<SqlRunner, "transaction"> => ({
    exec: async (sql) => {
      await q.exec(sql);
    },
    query: async <Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await q.query<Row>(sql, params)).rows,
  });
  return {
    ...on(db),
    transaction: (fn) => db.transaction((tx) => fn(on(tx))),
  };
}
