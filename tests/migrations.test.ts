import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/db/database.ts";
import { defaultMigrationsDir, migrate, MigrationError, pendingMigrations, readMigrations } from "../src/db/migrate.ts";
import { COMPATIBLE_PG_TYPES, readDatamodel } from "./support/datamodel.ts";
import { BACKENDS, createTestDatabase } from "./support/test-env.ts";

const schemaFile = path.resolve(import.meta.dirname, "../prisma/schema.prisma");

describe.each(BACKENDS)("migrations on %s", (backend) => {
  let db: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase(backend);
    drop = created.drop;
    db = await openDatabase(created.target);
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it("applies every migration once and records it like Prisma does", async () => {
    const files = await readMigrations();
    expect(await pendingMigrations(db.sql)).toEqual(files.map((f) => f.name));
    expect(await migrate(db.sql)).toEqual(files.map((f) => f.name));
    expect(await migrate(db.sql)).toEqual([]);
    expect(await pendingMigrations(db.sql)).toEqual([]);
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((f) => [f.name, f.checksum]));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it("matches the Prisma datamodel: every model and field, with a compatible type", async () => {
    const columns = await db.sql.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const models = readDatamodel(schemaFile);
    expect(models.length).toBeGreaterThan(5);
    for (const model of models) {
      for (const field of model.fields) {
        const column = columns.find((c) => c.table_name === model.table && c.column_name === field.column);
        expect(column, `${model.name}.${field.name} has no column ${model.table}.${field.column}`).toBeDefined();
        expect(COMPATIBLE_PG_TYPES[field.type], `${model.name}.${field.name}`).toContain(column!.data_type);
        expect(column!.is_nullable === "YES", `${model.name}.${field.name} nullability`).toBe(field.optional);
      }
    }
  });

  it("refuses to run over a migration that was edited after it was applied", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "migrations-"));
    await fs.cp(defaultMigrationsDir, dir, { recursive: true });
    const [first] = await readMigrations(dir);
    await fs.appendFile(path.join(dir, first!.name, "migration.sql"), "\n-- edited\n");
    await expect(migrate(db.sql, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db.sql, dir)).rejects.toThrow(/was changed after it was applied/);
    await fs.rm(dir, { recursive: true });
  });

  it("keeps the audit trail append-only in the database itself", async () => {
    const prisma = db.prisma;
    const conversation = await prisma.conversation.create({ data: { channel: "webchat", channelUserId: "u1" } });
    const ticket = await prisma.ticket.create({
      data: {
        number: "GD20261122-999999",
        status: "submitted",
        kind: "complaint",
        text: "x",
        channel: "webchat",
        channelUserId: "u1",
        conversationId: conversation.id,
        sourceMessageId: "m1",
      },
    });
    const event = await prisma.ticketEvent.create({
      data: { ticketId: ticket.id, seq: 1, type: "created", actor: "test", prevHash: "0", hash: "1" },
    });
    await expect(prisma.ticketEvent.update({ where: { id: event.id }, data: { note: "rewritten" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(prisma.ticketEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
  });
});
