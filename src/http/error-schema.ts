// The JSON every error response has, declared once and used by every route.
export const errorResponseSchema = {
  type: "object",
  required: ["statusCode", "error", "message"],
  properties: {
    statusCode: { type: "integer" },
    error: { type: "string" },
    message: { type: "string" },
    /** The offending field for validation errors, e.g. "body.text". */
    field: { type: "string" },
  },
} as const;

export const errorResponses = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  413: errorResponseSchema,
  415: errorResponseSchema,
  500: errorResponseSchema,
  503: errorResponseSchema,
} as const;
