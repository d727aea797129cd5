// The query string of a platform's push and URL check. WeChat signs with
// sha1(sort([token, timestamp, nonce])) and Weibo copies the scheme with its app
// secret (sorted-sha1.ts); the URL check adds `echostr` to echo back.
import { errorResponses } from "../../src/http/error-schema.ts";

export interface SignedQuery {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
}

/** JSON-schema properties of SignedQuery, for a route's querystring (a platform may add its own). */
export const signedQueryProperties = {
  signature: { type: "string", maxLength: 64 },
  timestamp: { type: "string", pattern: "^\\d{1,13}$" },
  nonce: { type: "string", maxLength: 64 },
  echostr: { type: "string", maxLength: 1024 },
} as const;

/** A signature that does not match is answered 401, in the hub's error shape. */
export const unauthorizedResponse = { 401: errorResponses[400] } as const;

/** A plain-text answer (the URL check's echo, WeChat's replies), or the hub's error shape. */
export const signedTextResponse = { 200: { type: "string" }, ...errorResponses, ...unauthorizedResponse } as const;
