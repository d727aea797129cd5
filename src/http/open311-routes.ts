// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), for other systems:
//   GET  /open311/v2/services.(json|xml)
//   GET  /open311/v2/requests.(json|xml)      service_request_id, service_code, start_date, end_date, status
//   POST /open311/v2/requests.(json|xml)      form-encoded (or JSON); api_key required
//   GET  /open311/v2/requests/:id.(json|xml)
// GETs answer the public view; with an api_key from OPEN311_READ_API_KEYS, the full one
// (src/open311/georeport-mapping.ts says what each holds).
// Errors use the spec's shape: [{code, description}] or <errors><error>…</error></errors>.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Cases } from "../cases/cases.ts";
import {
  type GeoReportRequest,
  type GeoReportStatus,
  type GeoReportView,
  type MappingContext,
  OTHER_SERVICE,
  serviceNotice,
  servicesOf,
  statusesFor,
  toGeoReportRequest,
} from "../open311/georeport-mapping.ts";
import {
  fileOpen311Request,
  type IntakeDeps,
  OPEN311_CHANNEL,
  type Open311Submission,
} from "../open311/open311-intake.ts";
import { xmlList, type XmlValue } from "../open311/xml.ts";
import { findTickets } from "../cases/ticket-queries.ts";
import { logTicketFiled } from "../cases/ticket-event-log.ts";
import { HttpError } from "./error-handler.ts";

type Format = "json" | "xml";

const DAY_MS = 24 * 3600 * 1000;
const MAX_SPAN_MS = 90 * DAY_MS;
const MAX_RESULTS = 1000;

const nullableString = { type: ["string", "null"] } as const;
const nullableNumber = { type: ["number", "null"] } as const;

// Every field is listed as required (nullable ones are null), which also keeps the spec's field order in JSON.
const serviceSchema = {
  type: "object",
  required: ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
  properties: {
    service_code: { type: "string" },
    service_name: { type: "string" },
    description: { type: "string" },
    metadata: { type: "boolean" },
    type: { type: "string", enum: ["realtime", "batch", "blackbox"] },
    keywords: { type: "string" },
    group: { type: "string" },
  },
} as const;

const requestSchema = {
  type: "object",
  required: [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
  ],
  properties: {
    service_request_id: { type: "string" },
    status: { type: "string", enum: ["open", "closed"] },
    status_notes: nullableString,
    service_name: nullableString,
    service_code: nullableString,
    description: { type: "string" },
    agency_responsible: nullableString,
    service_notice: nullableString,
    requested_datetime: { type: "string" },
    updated_datetime: { type: "string" },
    expected_datetime: nullableString,
    address: nullableString,
    address_id: nullableString,
    zipcode: nullableString,
    lat: nullableNumber,
    long: nullableNumber,
    media_url: nullableString,
  },
} as const;

const createdSchema = {
  type: "object",
  required: ["service_request_id", "service_notice", "account_id"],
  properties: { service_request_id: { type: "string" }, service_notice: nullableString, account_id: nullableString },
} as const;

const errorsSchema = {
  type: "array",
  items: {
    type: "object",
    required: ["code", "description"],
    properties: { code: { type: "integer" }, description: { type: "string" } },
  },
} as const;

const errors = {
  400: errorsSchema,
  403: errorsSchema,
  404: errorsSchema,
  413: errorsSchema,
  415: errorsSchema,
  /** Too many requests for one api_key (src/http/rate-limits.ts), with Retry-After. */
  429: errorsSchema,
  500: errorsSchema,
} as const;

const formatParam = { type: "string", enum: ["json", "xml"] } as const;
const number = { anyOf: [{ type: "number" }, { type: "string", pattern: "^-?\\d+(\\.\\d+)?$" }] } as const;
const text = (max: number) => ({ type: "string", maxLength: max }) as const;
const w3Date = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})$",
} as const;

/** Open311 errors: 403 for a missing or wrong api_key, 404 for what does not exist, 400 for the rest. */
class Open311Error extends HttpError {}

interface PostBody extends Open311Submission {
  api_key?: string;
  jurisdiction_id?: string;
}

interface ListQuery {
  api_key?: string;
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
  jurisdiction_id?: string;
}

/** The intake's needs (database, time zone, relay kick), the case rules and policy, and the API keys. */
export interface Open311RoutesOptions extends IntakeDeps {
  cases: Pick<Cases, "knowledge" | "departmentName">;
  /** Keys a client must send to file a request (OPEN311_API_KEYS). */
  apiKeys: readonly string[];
  /** Keys that read the full requests: address, coordinates, photo (OPEN311_READ_API_KEYS). */
  readApiKeys?: readonly string[];
}

export async function open311Routes(app: FastifyInstance, options: Open311RoutesOptions) {
  const { cases, prisma } = options;
  const intake: IntakeDeps = { prisma, timeZone: options.timeZone, onOutboxWritten: options.onOutboxWritten };
  // Read per request from the current knowledge, so a catalog reload changes the services too.
  const categoryRules = () => cases.knowledge().rules.categories;
  const mappingContext = (): MappingContext => ({
    categories: new Map(categoryRules().map((c) => [c.code, c])),
    departmentName: cases.departmentName,
    deadlineOf: (c) => cases.knowledge().policy.deadlineOf(c),
  });
  const apiKeys = new Set(options.apiKeys);
  const readApiKeys = new Set(options.readApiKeys ?? []);

  /** No key: the public view; a read key: the full view; any other key: 403, so a client sees its mistake. */
  function viewFor(key: string | undefined): GeoReportView {
    if (key === undefined) return "public";
    if (readApiKeys.has(key)) return "full";
    throw new Open311Error(403, "Invalid api_key received -- can't read full service requests.");
  }

  // GeoReport v2 posts forms.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status = error instanceof HttpError ? error.statusCode : (error.statusCode ?? 500);
    let description = error.message;
    if (error.validation) {
      const first = error.validation[0];
      const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
      const field = [...(first?.instancePath ?? "").split("/").filter(Boolean), ...(missing ? [missing] : [])].join(
        ".",
      );
      status = 400;
      description = missing
        ? `${field} was not provided`
        : `${field || error.validationContext} ${first?.message ?? "is invalid"}`;
    } else if (status >= 500) {
      request.log.error({ err: error }, "open311 request failed");
      description = "General service error; it has been logged.";
    }
    return sendErrors(reply, formatOf(request), status, description);
  });

  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOf(request), 404, `No such resource: ${request.method} ${request.url.split("?")[0]}`),
  );

  app.get<{ Params: { format: Format } }>(
    "/services.:format",
    {
      schema: {
        params: { type: "object", required: ["format"], properties: { format: formatParam } },
        response: { 200: { type: "array", items: serviceSchema }, ...errors },
      },
    },
    async (request, reply) => send(reply, request.params.format, "services", "service", servicesOf(categoryRules())),
  );

  app.get<{ Params: { format: Format }; Querystring: ListQuery }>(
    "/requests.:format",
    {
      schema: {
        params: { type: "object", required: ["format"], properties: { format: formatParam } },
        querystring: {
          type: "object",
          properties: {
            api_key: { type: "string" },
            service_request_id: { type: "string" },
            service_code: { type: "string" },
            start_date: w3Date,
            end_date: w3Date,
            status: { type: "string", pattern: "^(open|closed)(,(open|closed))*$" },
            jurisdiction_id: { type: "string" },
          },
        },
        response: { 200: { type: "array", items: requestSchema }, ...errors },
      },
    },
    async (request, reply) => {
      const view = viewFor(request.query.api_key);
      return send(reply, request.params.format, "service_requests", "request", await listRequests(request.query, view));
    },
  );

  app.get<{ Params: { id: string; format: Format }; Querystring: { api_key?: string } }>(
    "/requests/:id.:format",
    {
      schema: {
        params: {
          type: "object",
          required: ["id", "format"],
          properties: { id: { type: "string", minLength: 1 }, format: formatParam },
        },
        querystring: {
          type: "object",
          properties: { api_key: { type: "string" }, jurisdiction_id: { type: "string" } },
        },
        response: { 200: { type: "array", items: requestSchema }, ...errors },
      },
    },
    async (request, reply) => {
      const view = viewFor(request.query.api_key);
      const found = await listRequests({ service_request_id: request.params.id }, view);
      if (found.length === 0) throw new Open311Error(404, `service_request_id ${request.params.id} not found`);
      return send(reply, request.params.format, "service_requests", "request", found);
    },
  );

  app.post<{ Params: { format: Format }; Body: PostBody }>(
    "/requests.:format",
    {
      // The key is checked before the fields, as the spec's 403 comes first.
      preValidation: async (request) => {
        const key = (request.body as PostBody | undefined)?.api_key;
        if (!key) throw new Open311Error(403, "api_key was not provided -- can't proceed with create_request.");
        if (!apiKeys.has(key))
          throw new Open311Error(403, "Invalid api_key received -- can't proceed with create_request.");
      },
      schema: {
        params: { type: "object", required: ["format"], properties: { format: formatParam } },
        body: {
          type: "object",
          required: ["service_code"],
          properties: {
            api_key: { type: "string" },
            jurisdiction_id: { type: "string" },
            service_code: { type: "string", minLength: 1 },
            lat: number,
            long: number,
            address_string: text(500),
            address_id: text(200),
            email: text(200),
            device_id: text(200),
            account_id: text(200),
            first_name: text(100),
            last_name: text(100),
            phone: text(50),
            description: text(4000),
            media_url: { type: "string", maxLength: 2000, pattern: "^https?://" },
          },
        },
        response: { 200: { type: "array", items: createdSchema }, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const category =
        body.service_code === OTHER_SERVICE.service_code
          ? null
          : categoryRules().find((c) => c.code === body.service_code);
      if (category === undefined) throw new Open311Error(404, `service_code ${body.service_code} not found`);
      const lat = body.lat === undefined ? undefined : Number(body.lat);
      const long = body.long === undefined ? undefined : Number(body.long);
      if ((lat === undefined) !== (long === undefined))
        throw new Open311Error(400, "lat and long must be sent together");
      if (lat !== undefined && (Math.abs(lat) > 90 || Math.abs(long!) > 180))
        throw new Open311Error(400, "lat or long is out of range");
      if (lat === undefined && !body.address_string && !body.address_id) {
        throw new Open311Error(400, "a location was not provided: lat & long, address_string or address_id");
      }
      const { api_key: _key, jurisdiction_id: _jurisdiction, ...submission } = body;
      const ticket = await fileOpen311Request(
        intake,
        { ...submission, ...(lat !== undefined && { lat, long }) },
        { code: category?.code ?? null, name: category?.name ?? OTHER_SERVICE.service_name },
        `key:${body.api_key!.slice(0, 4)}`,
      );
      logTicketFiled(
        request.log,
        { ticketId: ticket.id, ticketNumber: ticket.number, kind: "complaint", channel: OPEN311_CHANNEL },
        `citizen:${OPEN311_CHANNEL}`,
      );
      const created = {
        service_request_id: ticket.number,
        service_notice: serviceNotice(cases.knowledge().policy.deadlineOf(category?.code ?? null)),
        account_id: body.account_id ?? null,
      };
      return send(reply, request.params.format, "service_requests", "request", [created]);
    },
  );

  async function listRequests(q: ListQuery, view: GeoReportView): Promise<GeoReportRequest[]> {
    const split = (v: string | undefined) =>
      v
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    const numbers = split(q.service_request_id);
    // service_request_id overrides every other argument.
    if (numbers) return fetchRequests({ numbers, limit: MAX_RESULTS }, view);
    const end = q.end_date ? new Date(q.end_date) : new Date();
    const start = q.start_date ? new Date(q.start_date) : new Date(end.getTime() - MAX_SPAN_MS);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
      throw new Open311Error(400, "start_date or end_date is not a valid date");
    if (end.getTime() - start.getTime() > MAX_SPAN_MS)
      throw new Open311Error(400, "start_date and end_date may not span more than 90 days");
    const codes = split(q.service_code);
    const statuses = split(q.status) as GeoReportStatus[] | undefined;
    return fetchRequests(
      {
        ...(codes && { categories: codes }),
        ...(statuses && { statuses: statusesFor(statuses) }),
        from: start,
        to: new Date(end.getTime() + 1),
        limit: MAX_RESULTS,
      },
      view,
    );
  }

  async function fetchRequests(
    filter: Parameters<typeof findTickets>[1],
    view: GeoReportView,
  ): Promise<GeoReportRequest[]> {
    const tickets = await findTickets(prisma, filter);
    const parents = await prisma.ticket.findMany({
      where: { id: { in: tickets.map((t) => t.parentId).filter((id): id is string => id !== null) } },
      select: { id: true, number: true },
    });
    const parentNumber = new Map(parents.map((p) => [p.id, p.number]));
    const ctx = mappingContext();
    return tickets.map((t) =>
      toGeoReportRequest(
        { ...t, parent: t.parentId ? { number: parentNumber.get(t.parentId) ?? "" } : null },
        ctx,
        view,
      ),
    );
  }
}

function formatOf(request: FastifyRequest): Format {
  const params = request.params as { format?: string } | undefined;
  if (params?.format === "xml" || params?.format === "json") return params.format;
  return /\.xml(\?|$)/.test(request.url) ? "xml" : "json";
}

function send(reply: FastifyReply, format: Format, root: string, item: string, records: object[]) {
  if (format === "json") return reply.type("application/json; charset=utf-8").send(records);
  return reply.type("text/xml; charset=utf-8").send(xmlList(root, item, records as Record<string, XmlValue>[]));
}

function sendErrors(reply: FastifyReply, format: Format, status: number, description: string) {
  const list = [{ code: status, description }];
  if (format === "json") return reply.status(status).type("application/json; charset=utf-8").send(list);
  return reply
    .status(status)
    .type("text/xml; charset=utf-8")
    .send(xmlList("errors", "error", list));
}
