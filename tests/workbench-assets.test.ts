// How the hub serves the workbench's files: from memory with an ETag, index.html for any
// other /workbench/* path (deep links), a 404 for a missing file, under the hub's CSP.
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { securityHeaders } from "../src/http/security-headers.ts";
import { workbenchRoutes } from "../src/workbench/workbench-routes.ts";

describe("workbench assets", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    await app.register(securityHeaders, { frameAncestors: ["'self'"] });
    await app.register(workbenchRoutes);
  });
  afterAll(() => app.close());

  it("serves the app for the root and for deep links, under a CSP without inline scripts", async () => {
    for (const url of ["/workbench/", "/workbench/tickets/GD20261122-000123", "/workbench/dispatch?tab=x"]) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.body).toContain('<script type="module" src="/workbench/app.js"></script>');
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    }
    expect((await app.inject("/workbench")).headers.location).toBe("/workbench/");
    // No inline script or event-handler attribute anywhere in the page.
    const page = (await app.inject("/workbench/")).body;
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/\son[a-z]+=/i);
  });

  it("serves the modules with an ETag and answers 304 when unchanged", async () => {
    const res = await app.inject("/workbench/pages/ticket.js");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await app.inject({ url: "/workbench/pages/ticket.js", headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject("/workbench/workbench.css")).headers["content-type"]).toBe("text/css; charset=utf-8");
    expect((await app.inject("/workbench/nope.js")).statusCode).toBe(404);
  });

  it("never renders HTML from data", async () => {
    for (const file of ["app.js", "pages/ticket.js", "pages/inbox.js", "ticket-list.js", "components.js"]) {
      const body = (await app.inject(`/workbench/${file}`)).body;
      expect(body, file).not.toMatch(/dangerouslySetInnerHTML|innerHTML|eval\(|new Function/);
    }
  });
});
