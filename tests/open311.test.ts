// Open311 GeoReport v2 against the spec's own examples (http://wiki.open311.org/GeoReport_v2):
// the field names and shapes of services, requests, the POST response and errors, in
// JSON and XML, and our states mapped to open/closed with status_notes.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { fileAndRoute, road } from "./support/cases.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

/** The spec's example POST, with a service code and text of ours. */
function specExampleForm(overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    api_key: "xyz",
    jurisdiction_id: "city.gov",
    service_code: "street-light",
    lat: "37.76524078",
    long: "-122.4212043",
    address_string: "1234 5th street",
    email: "smit333@sfgov.edu",
    device_id: "tt222111",
    account_id: "123456",
    first_name: "john",
    last_name: "smith",
    phone: "111111111",
    description: "A large sinkhole is destroying the street",
    media_url: "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    "attribute[WHISPAWN]": "123456",
    "attribute[WHISDORN]": "COISL001",
    ...overrides,
  }).toString();
}

/** The child elements of each <tag> element, in order. */
function elements(xml: string, tag: string): string[][] {
  return [...xml.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, "gs"))].map((m) =>
    [...m[1]!.matchAll(/<([a-z_]+)(?:\/>|>)/g)].map((x) => x[1]!),
  );
}

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>(.*?)</${name}>`, "s").exec(xml)?.[1];
}

describe.each(BACKENDS)("Open311 GeoReport v2 on %s", (backend) => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub(backend, { env: { OPEN311_API_KEYS: "xyz,second-key", OPEN311_READ_API_KEYS: "reader" } });
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const post = (format: string, body: string) =>
    app.inject({ method: "POST", url: `/open311/v2/requests.${format}`, headers: FORM, payload: body });
  const get = (url: string) => app.inject({ method: "GET", url: `/open311/v2${url}` });

  it("lists services as the spec's GET Service List example does", async () => {
    const json = await get("/services.json");
    expect(json.statusCode).toBe(200);
    expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
    const services = json.json();
    expect(services[0]).toEqual({
      service_code: "street-light",
      service_name: "路灯照明",
      description: "路灯不亮、损坏、白天常亮",
      metadata: false,
      type: "realtime",
      keywords: "路灯, 灯不亮, 路灯坏",
      group: "城建",
    });
    expect(services.at(-1)).toMatchObject({ service_code: "other", service_name: "其他诉求" });

    const xml = await get("/services.xml");
    expect(xml.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(xml.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<services><service>')).toBe(true);
    expect(elements(xml.body, "service")[0]).toEqual([
      "service_code",
      "service_name",
      "description",
      "metadata",
      "type",
      "keywords",
      "group",
    ]);
  });

  it("creates a request from the spec's example POST and answers in its shape", async () => {
    const json = await post("json", specExampleForm());
    expect(json.statusCode, json.body).toBe(200);
    const [created] = json.json();
    expect(Object.keys(created)).toEqual(["service_request_id", "service_notice", "account_id"]);
    expect(created).toMatchObject({
      service_request_id: expect.stringMatching(/^GD\d{8}-\d{6}$/),
      account_id: "123456",
      service_notice: "承诺3个工作日内办结，办理进展可随时查询。",
    });

    const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number: created.service_request_id } });
    expect(ticket).toMatchObject({
      channel: "open311",
      category: "street-light",
      latitude: 37.76524078,
      longitude: -122.4212043,
      address: "1234 5th street",
      text: "A large sinkhole is destroying the street",
    });
    const inbound = await t.hub.db.prisma.message.findUniqueOrThrow({ where: { id: ticket.sourceMessageId } });
    expect(JSON.stringify(inbound.raw)).not.toContain("xyz"); // the api_key is not kept

    const xml = await post("xml", specExampleForm({ account_id: "" }));
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\n<service_requests><request><service_request_id>GD\d{8}-\d{6}<\/service_request_id><service_notice>.+<\/service_notice><account_id\/><\/request><\/service_requests>$/,
    );
  });

  it("shows a request to a read key as GET Service Request does, open while worked and closed with the reply as status_notes", async () => {
    const [created] = (
      await post(
        "json",
        specExampleForm({ address_string: `高新区${road()}100号`, description: "路灯不亮，联系电话13812345678" }),
      )
    ).json();
    const number: string = created.service_request_id;
    const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { number } });
    await t.hub.cases.route(ticket.id);

    // The full view (a read key): the public one is in tests/security/public-data.test.ts.
    const [open] = (await get(`/requests/${number}.json?api_key=reader`)).json();
    expect(Object.keys(open)).toEqual([
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
    ]);
    expect(open).toMatchObject({
      service_request_id: number,
      status: "open",
      status_notes: "高新区管理委员会（社会事务局）：已分派，等待部门签收",
      service_name: "路灯照明",
      service_code: "street-light",
      description: "路灯不亮，联系电话138****5678",
      agency_responsible: "高新区管理委员会（社会事务局）",
      lat: 37.76524078,
      long: -122.4212043,
      media_url: "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    });
    expect(open.expected_datetime).toMatch(/Z$/);

    await t.hub.cases.actions.apply({ number }, { type: "accept" }, "staff:gx");
    await t.hub.cases.actions.apply({ number }, { type: "resolve", reply: "路灯已修复。" }, "staff:gx");
    const xml = await get(`/requests/${number}.xml`);
    expect(xml.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(elements(xml.body, "request")[0]).toEqual([
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
    ]);
    expect(element(xml.body, "status")).toBe("closed");
    expect(element(xml.body, "status_notes")).toBe("路灯已修复。");
  });

  it("maps every state to open or closed", async () => {
    const rejected = await fileAndRoute(t.hub, `北城区${road()}路灯坏了`);
    await t.hub.cases.actions.apply({ id: rejected.id }, { type: "reject", reason: "属于小区自有设施" }, "staff:d");
    const open = await fileAndRoute(t.hub, `北城区${road()}井盖丢了`);
    const [r] = (await get(`/requests/${rejected.number}.json`)).json();
    expect(r).toMatchObject({ status: "closed", status_notes: "不予受理" });
    const both = (await get(`/requests.json?service_request_id=${rejected.number},${open.number}`)).json();
    expect(both.map((x: { status: string }) => x.status).sort()).toEqual(["closed", "open"]);
    const closedOnly = (await get("/requests.json?status=closed")).json();
    expect(closedOnly.every((x: { status: string }) => x.status === "closed")).toBe(true);
    expect(closedOnly.map((x: { service_request_id: string }) => x.service_request_id)).toContain(rejected.number);
    const manholes = (await get("/requests.json?service_code=manhole")).json();
    expect(manholes.map((x: { service_request_id: string }) => x.service_request_id)).toContain(open.number);
    expect(manholes.every((x: { service_code: string }) => x.service_code === "manhole")).toBe(true);
  });

  it("answers errors in the spec's shape: 403 for the api_key, 404 for what does not exist, 400 for the rest", async () => {
    const noKey = await post("xml", specExampleForm({ api_key: "" }));
    expect(noKey.statusCode).toBe(403);
    expect(noKey.body).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\n<errors><error><code>403<\/code><description>.+<\/description><\/error><\/errors>$/,
    );
    const badKey = await post("json", specExampleForm({ api_key: "wrong" }));
    expect(badKey.statusCode).toBe(403);
    expect(badKey.json()).toEqual([
      { code: 403, description: "Invalid api_key received -- can't proceed with create_request." },
    ]);
    const unknown = await post("json", specExampleForm({ service_code: "sinkholes" }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()[0].description).toBe("service_code sinkholes not found");
    const noPlace = await post(
      "json",
      new URLSearchParams({ api_key: "xyz", service_code: "garbage", description: "垃圾" }).toString(),
    );
    expect(noPlace.statusCode).toBe(400);
    expect(noPlace.json()[0].description).toContain("location was not provided");
    const noCode = await post("json", new URLSearchParams({ api_key: "xyz", lat: "1", long: "2" }).toString());
    expect(noCode.json()).toEqual([{ code: 400, description: "service_code was not provided" }]);
    expect((await get("/requests/GD20200101-000001.json")).statusCode).toBe(404);
    const span = await get("/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z");
    expect(span.statusCode).toBe(400);
    expect(span.json()[0].description).toContain("90 days");
  });

  it("accepts JSON bodies too, and the other service for what fits no category", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/open311/v2/requests.json",
      payload: { api_key: "second-key", service_code: "other", lat: 30.1, long: 114.2, description: "有个问题想反映" },
    });
    expect(res.statusCode, res.body).toBe(200);
    const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({
      where: { number: res.json()[0].service_request_id },
    });
    expect(ticket.category).toBeNull();
    expect(res.json()[0].service_notice).toBe("承诺5个工作日内办结，办理进展可随时查询。");
  });
});
