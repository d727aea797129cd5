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

/** A 429: the error, the seconds to wait, and for chat a reply in the chat's own shape. */
export const tooManyRequestsSchema = {
  type: "object",
  required: ["statusCode", "error", "message"],
  properties: {
    ...errorResponseSchema.properties,
    retryAfter: { type: "integer" },
    replies: {
      type: "array",
      items: {
        type: "object",
        required: ["type", "text"],
        properties: { type: { type: "string", enum: ["text"] }, text: { type: "string" } },
      },
    },
  },
} as const;

export const errorResponses = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  413: errorResponseSchema,
  415: errorResponseSchema,
  429: tooManyRequestsSchema,
  500: errorResponseSchema,
  503: errorResponseSchema,
} as const;
