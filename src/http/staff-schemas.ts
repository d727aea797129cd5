// JSON schemas shared by the department API's routes.
import { STAFF_ACTIONS, ROLES } from "../staff/roles.ts";
import { RETURN_REASONS } from "../tickets/lifecycle.ts";
import { SUGGESTION_VERDICTS } from "../tickets/suggestion-verdict.ts";
import { TICKET_KINDS } from "../tickets/ticket-kind.ts";
import { TICKET_STATUSES } from "../tickets/ticket-status.ts";
import { errorResponseSchema, errorResponses } from "./error-schema.ts";
import { ticketEventsSchema } from "./ticket-event-schema.ts";

export const staffErrorResponses = {
  ...errorResponses,
  401: errorResponseSchema,
  403: errorResponseSchema,
  409: errorResponseSchema,
} as const;

export const ticketNumberParams = {
  type: "object",
  required: ["number"],
  properties: { number: { type: "string", pattern: "^GD\\d{8}-\\d{6,}$" } },
} as const;

export const staffSchema = {
  type: "object",
  required: ["username", "displayName", "role", "departmentCode"],
  properties: {
    username: { type: "string" },
    displayName: { type: "string" },
    role: { type: "string", enum: [...ROLES] },
    departmentCode: { type: ["string", "null"] },
  },
} as const;

const nullableDate = { type: ["string", "null"], format: "date-time" } as const;

export const ticketSummarySchema = {
  type: "object",
  required: ["number", "kind", "status", "statusLabel", "text", "departmentCode", "createdAt", "overdue", "version"],
  properties: {
    number: { type: "string" },
    /** 投诉, 求助, 建言 or 表扬 (src/tickets/ticket-kind.ts). */
    kind: { type: "string", enum: [...TICKET_KINDS] },
    status: { type: "string", enum: [...TICKET_STATUSES] },
    statusLabel: { type: "string" },
    text: { type: "string" },
    category: { type: ["string", "null"] },
    district: { type: ["string", "null"] },
    departmentCode: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
    deadlineAt: nullableDate,
    overdue: { type: "boolean" },
    version: { type: "integer" },
  },
} as const;

/** A summary in the inbox: with the working time left (seconds; negative when overdue). */
/** One message of a citizen's conversation as staff read it (the route masks it by role). */
export const conversationMessageSchema = {
  type: "object",
  required: ["direction", "text", "at"],
  properties: {
    direction: { type: "string", enum: ["in", "out"] },
    text: { type: "string" },
    at: { type: "string", format: "date-time" },
  },
} as const;

export const inboxTicketSchema = {
  type: "object",
  required: [...ticketSummarySchema.required, "workingSecondsLeft"],
  properties: {
    ...ticketSummarySchema.properties,
    workingSecondsLeft: { type: ["integer", "null"] },
  },
} as const;

export const ticketDetailSchema = {
  type: "object",
  required: [
    ...ticketSummarySchema.required,
    "events",
    "childNumbers",
    "clockRunning",
    "allowedActions",
    "workingSecondsLeft",
    "pendingExtension",
    "attachments",
    "places",
  ],
  properties: {
    ...ticketSummarySchema.properties,
    /** What this member of staff may do now: the workbench shows a button for each. */
    allowedActions: { type: "array", items: { type: "string", enum: [...STAFF_ACTIONS] } },
    workingSecondsLeft: { type: ["integer", "null"] },
    pendingExtension: {
      type: ["object", "null"],
      required: ["reason", "newDeadline", "newDeadlineAt", "requestedBy", "requestedAt"],
      properties: {
        reason: { type: "string" },
        /** The working day asked for (local date); the deadline would be its end, newDeadlineAt. */
        newDeadline: { type: "string" },
        newDeadlineAt: { type: "string", format: "date-time" },
        requestedBy: { type: ["string", "null"] },
        requestedAt: { type: ["string", "null"], format: "date-time" },
      },
    },
    attachments: {
      type: "array",
      items: {
        type: "object",
        required: ["kind", "url", "mediaId", "data", "at"],
        properties: {
          kind: { type: "string" },
          url: { type: ["string", "null"] },
          mediaId: { type: ["string", "null"] },
          data: { type: "object", additionalProperties: true },
          at: { type: "string", format: "date-time" },
        },
      },
    },
    places: { type: "array", items: { type: "string" } },
    domain: { type: ["string", "null"] },
    address: { type: ["string", "null"] },
    latitude: { type: ["number", "null"] },
    longitude: { type: ["number", "null"] },
    department: { type: ["object", "null"], properties: { code: { type: "string" }, name: { type: "string" } } },
    channel: { type: "string" },
    assignedAt: nullableDate,
    acceptedAt: nullableDate,
    resolvedAt: nullableDate,
    closedAt: nullableDate,
    clockRunning: { type: "boolean" },
    remindersSent: { type: "integer" },
    resolution: { type: ["string", "null"] },
    /** A resolved suggestion's verdict: adopted (采纳), partially_adopted (部分采纳), not_adopted (暂不采纳). */
    verdict: { type: ["string", "null"], enum: [...Object.keys(SUGGESTION_VERDICTS), null] },
    resolvedOnTime: { type: ["boolean", "null"] },
    rating: { type: ["integer", "null"] },
    ratingComment: { type: ["string", "null"] },
    reopenCount: { type: "integer" },
    parentNumber: { type: ["string", "null"] },
    childNumbers: { type: "array", items: { type: "string" } },
    events: ticketEventsSchema({ data: { type: "object", additionalProperties: true } }),
  },
} as const;

/** Each action's required fields; a missing one is a 400 naming it (e.g. body.reason). */
const requires = (actions: string[], fields: string[]) => ({
  if: { properties: { action: { enum: actions } } },
  then: { required: fields },
});

export const actionBodySchema = {
  type: "object",
  required: ["action"],
  additionalProperties: false,
  properties: {
    action: { type: "string", enum: [...STAFF_ACTIONS] },
    /** What was done or why (free text, recorded on the event). */
    note: { type: "string", minLength: 1, maxLength: 2000 },
    /** Required for side paths: transfer, reassign, return, reject, suspend, reopen, merge. */
    reason: { type: "string", minLength: 1, maxLength: 2000, pattern: "\\S" },
    /** The reply to the citizen; required to resolve, except praise (the lifecycle says so, 400). */
    reply: { type: "string", minLength: 1, maxLength: 4000, pattern: "\\S" },
    /** 采纳意见: required to resolve a suggestion (建言), refused for any other kind (400). */
    verdict: { type: "string", enum: Object.keys(SUGGESTION_VERDICTS) },
    /** Why a ticket is returned (退单); "other" needs a reason too. */
    reasonCode: { type: "string", enum: Object.keys(RETURN_REASONS) },
    /** The working day an extension asks for (延期申请), in the hub's time zone. */
    newDeadline: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
    /** Target department of transfer / reassign. */
    departmentCode: { type: "string", minLength: 1 },
    /** The parent case of a merge (并案). */
    parentNumber: { type: "string", pattern: "^GD\\d{8}-\\d{6,}$" },
    /** The version the caller saw; a 409 if the ticket changed since. */
    expectedVersion: { type: "integer", minimum: 0 },
  },
  allOf: [
    requires(["transfer", "reassign"], ["departmentCode", "reason"]),
    requires(["reject", "suspend", "reopen", "merge", "request_extension"], ["reason"]),
    requires(["return"], ["reasonCode"]),
    {
      if: { properties: { action: { const: "return" }, reasonCode: { const: "other" } }, required: ["reasonCode"] },
      then: { required: ["reason"] },
    },
    requires(["request_extension"], ["newDeadline"]),
    requires(["supervise"], ["note"]),
    requires(["merge"], ["parentNumber"]),
    requires(["note"], ["note"]),
  ],
} as const;

/** A day ("2026-11-22", the city's local day) or an instant. */
export const dateParam = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$",
} as const;
