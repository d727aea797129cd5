// Request validation. Query strings and path parameters arrive as text, so they are
// coerced to the declared types; JSON bodies are not: {"text": 42} is a client bug
// that deserves a 400, not a silent "42".
import { Ajv, type Options } from "ajv";
import type { FastifyInstance, FastifySchema } from "fastify";
import fp from "fastify-plugin";

const common: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

export const validation = fp(async (app: FastifyInstance) => {
  const strict = new Ajv({ ...common, coerceTypes: false });
  const coercing = new Ajv({ ...common, coerceTypes: "array" });
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) =>
    (httpPart === "body" ? strict : coercing).compile(schema as object),
  );
});
