// Reads the models and scalar fields out of prisma/schema.prisma, so tests can
// compare the datamodel with what the hand-written migrations really created.
import fs from "node:fs";

export interface ModelField {
  name: string;
  column: string;
  type: string;
  optional: boolean;
}

export interface Model {
  name: string;
  table: string;
  fields: ModelField[];
}

const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

export function readDatamodel(file: string): Model[] {
  const source = fs.readFileSync(file, "utf8").replace(/\/\/.*$/gm, "");
  const models: Model[] = [];
  for (const match of source.matchAll(/model\s+(\w+)\s*\{([^}]*)\}/g)) {
    const [, name, body] = match as unknown as [string, string, string];
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name;
    const fields: ModelField[] = [];
    for (const line of body.split("\n")) {
      const field = /^\s*(\w+)\s+(\w+)(\?|\[\])?(.*)$/.exec(line);
      if (!field) continue;
      const [, fieldName, type, modifier, rest] = field as unknown as [
        string,
        string,
        string,
        string | undefined,
        string,
      ];
      if (!SCALARS.has(type) || modifier === "[]") continue;
      fields.push({
        name: fieldName,
        column: /@map\("([^"]+)"\)/.exec(rest)?.[1] ?? fieldName,
        // A DateTime stored as a calendar day (@db.Date) is a date column.
        type: type === "DateTime" && rest.includes("@db.Date") ? "Date" : type,
        optional: modifier === "?",
      });
    }
    models.push({ name, table, fields });
  }
  return models;
}

/** PostgreSQL data types (information_schema.columns.data_type) Prisma accepts for each scalar. */
export const COMPATIBLE_PG_TYPES: Record<string, string[]> = {
  String: ["text", "character varying", "uuid"],
  Int: ["integer"],
  BigInt: ["bigint"],
  Float: ["double precision"],
  Decimal: ["numeric"],
  Boolean: ["boolean"],
  DateTime: ["timestamp without time zone", "timestamp with time zone"],
  Date: ["date"],
  Json: ["jsonb", "json"],
  Bytes: ["bytea"],
};
