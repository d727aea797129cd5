import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { rewriteBareImports, VENDOR_PREFIX, vendorAssetRoutes } from "../src/http/vendor-assets.ts";

describe("vendor assets (served by the hub, no CDN)", () => {
  it("rewrites bare module names to sibling files and leaves other imports alone", () => {
    expect(rewriteBareImports(`import{h}from"preact";import{useState as u}from 'preact/hooks';import "htm";`)).toBe(
      `import{h}from"./preact.mjs";import{useState as u}from './preact-hooks.mjs';import "./htm.mjs";`,
    );
    expect(rewriteBareImports(`import x from"./local.js";import y from"lodash"`)).toBe(
      `import x from"./local.js";import y from"lodash"`,
    );
  });

  it("serves Preact, htm and ECharts with no bare import left, and revalidates by ETag", async () => {
    const app = Fastify();
    await app.register(vendorAssetRoutes);
    for (const name of ["preact.mjs", "preact-hooks.mjs", "htm.mjs", "htm-preact.mjs", "echarts.min.js"]) {
      const res = await app.inject(`${VENDOR_PREFIX}${name}`);
      expect(res.statusCode, name).toBe(200);
      expect(res.headers["content-type"]).toContain("javascript");
      for (const specifier of res.body.match(/\bfrom\s*["'][^"']+["']/g) ?? [])
        expect(specifier, name).toMatch(/["']\.\//);
      const again = await app.inject({
        url: `${VENDOR_PREFIX}${name}`,
        headers: { "if-none-match": res.headers.etag },
      });
      expect(again.statusCode).toBe(304);
    }
    await app.close();
  });
});
