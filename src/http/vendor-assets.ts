// Third-party browser libraries the hub's own pages use (workbench, transparency page),
// served by the hub from node_modules: no CDN, so pages work on an intranet. Preact's
// modules import each other by bare name ("preact"); a browser needs a URL, so those
// specifiers are rewritten to the sibling files here rather than through an inline
// import map (which the CSP's script-src 'self' would refuse).
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { memoryAsset, memoryAssetSchema, sendAsset } from "./memory-asset.ts";

export const VENDOR_PREFIX = "/assets/vendor/";

interface VendorFile {
  /** Served at VENDOR_PREFIX + name. */
  name: string;
  /** The package, and the file inside it. */
  pkg: string;
  file: string;
  type: string;
}

const JS = "text/javascript; charset=utf-8";
const FILES: VendorFile[] = [
  { name: "preact.mjs", pkg: "preact", file: "dist/preact.mjs", type: JS },
  { name: "preact-hooks.mjs", pkg: "preact", file: "hooks/dist/hooks.mjs", type: JS },
  { name: "htm.mjs", pkg: "htm", file: "dist/htm.mjs", type: JS },
  { name: "htm-preact.mjs", pkg: "htm", file: "preact/index.mjs", type: JS },
  { name: "echarts.min.js", pkg: "echarts", file: "dist/echarts.min.js", type: JS },
];

/** Bare module names inside the vendor files, and the sibling file each one is. */
const SPECIFIERS: Record<string, string> = {
  preact: "./preact.mjs",
  "preact/hooks": "./preact-hooks.mjs",
  htm: "./htm.mjs",
};

export function rewriteBareImports(source: string): string {
  return source.replace(
    /(\bfrom\s*|\bimport\s*)(["'])([^"']+)\2/g,
    (whole, keyword: string, quote: string, name: string) =>
      name in SPECIFIERS ? `${keyword}${quote}${SPECIFIERS[name]}${quote}` : whole,
  );
}

const require = createRequire(import.meta.url);

/** A file of an installed package (these packages' "exports" do not list their dist files). */
function packageFile(pkg: string, file: string): string {
  const entry = require.resolve(pkg);
  const root = entry.slice(0, entry.lastIndexOf(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`));
  return path.join(root, "node_modules", pkg, file);
}

export async function vendorAssetRoutes(app: FastifyInstance) {
  for (const file of FILES) {
    const body = rewriteBareImports(await fs.readFile(packageFile(file.pkg, file.file), "utf8"));
    // A day, then revalidated: an upgrade of a library reaches browsers the next day at the latest.
    const served = memoryAsset(body, file.type, "public, max-age=86400");
    app.get(`${VENDOR_PREFIX}${file.name}`, { schema: memoryAssetSchema }, (request, reply) =>
      sendAsset(request, reply, served),
    );
  }
}
