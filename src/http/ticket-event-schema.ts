// The JSON shape of a ticket's history entries, shared by the public ticket view and
// the staff view (which also shows each event's data).
const eventProperties = {
  seq: { type: "integer" },
  type: { type: "string" },
  actor: { type: "string" },
  note: { type: ["string", "null"] },
  at: { type: "string", format: "date-time" },
} as const;

export function ticketEventsSchema<Extra extends Record<string, object>>(extra: Extra = {} as Extra) {
  return {
    type: "array",
    items: { type: "object", required: ["seq", "type", "actor", "at"], properties: { ...eventProperties, ...extra } },
  } as const;
}
