// Import boundaries, generated from the folders' header files (docs/lint.md).
//
// Every source folder under src/ and connectors/ has a README.md whose first two lines say
// what it owns and which folders it may import:
//
//   # src/tickets — the pure case core: lifecycle, statuses, events, ticket numbers, …
//   May import: src/calendar
//
// Those headers are the single source of the layering: this file only reads them, checks that
// they form a directed acyclic graph, and turns each into a dependency-cruiser rule. A module
// may import its own folder (and that folder's subfolders), the folders its folder's header
// lists (and their subfolders), the foundation (src/config.ts, src/logger.ts), node builtins
// and npm packages. Type-only imports count. The composition root may import anything, and
// so may tests/, bench/ and scripts/ (they are not cruised).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const ROOT = __dirname;
const SOURCE_ROOTS = ["src", "connectors"];
/** The only code that knows every part; it may import anything, and nothing may import it. */
const COMPOSITION_ROOT = [
  "src/hub.ts",
  "src/server.ts",
  "src/worker.ts",
  "src/build-app.ts",
  "src/start-workers.ts",
  "src/privacy-cli.ts",
  "src/wechaty-bot.ts",
  "src/move-from-pglite-cli.ts",
  "connectors/index.ts",
];
/** The root files of src/ other than the composition root, importable by every folder not below them. */
const FOUNDATION = "src";
/** Generated code (the Prisma client, gitignored): a folder without a header that headers may list. */
const GENERATED = ["src/generated"];
/** Folders of test doubles: part of their parent folder, importable only by test code. */
const TESTING_DIR = "testing";
/**
 * Browser code served as it is (src/workbench/public): its imports are URLs the browser
 * resolves (/assets/vendor/preact.mjs), not files here, and no server code imports it.
 */
const BROWSER_CODE = ["src/workbench/public"];

const HEADER = /^# (\S+) — (\S.*)$/;
const MAY_IMPORT = /^May import: (nothing|[\w./-]+(?:, [\w./-]+)*)\.?$/;

const toRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
const under = (folder) => `^${toRegex(folder)}/`;
const isWithin = (folder, other) => folder === other || folder.startsWith(`${other}/`);

function fail(message) {
  throw new Error(`.dependency-cruiser.cjs: ${message} (see docs/lint.md)`);
}

/** Every directory under the source roots, relative to ROOT, that holds TypeScript outside the composition root. */
function sourceFolders() {
  const found = [];
  const walk = (dir) => {
    if (GENERATED.includes(dir)) return;
    const entries = fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true });
    const hasCode = entries.some(
      (e) => e.isFile() && e.name.endsWith(".ts") && !COMPOSITION_ROOT.includes(`${dir}/${e.name}`),
    );
    if (hasCode) found.push(dir);
    for (const e of entries) if (e.isDirectory() && e.name !== "node_modules") walk(`${dir}/${e.name}`);
  };
  for (const root of SOURCE_ROOTS) if (fs.existsSync(path.join(ROOT, root))) walk(root);
  return found;
}

/** Reads and checks every folder's header: { folder → { owns, mayImport[] } }. */
function readHeaders() {
  const headers = new Map();
  for (const folder of sourceFolders()) {
    if (folder.split("/").includes(TESTING_DIR)) continue;
    const file = path.join(ROOT, folder, "README.md");
    if (!fs.existsSync(file)) fail(`${folder}/ has code but no README.md header`);
    // Line 1 is the heading; the list is the next non-blank line (a Markdown formatter may add one).
    const [first = "", second = ""] = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((line, i) => i === 0 || line.trim());
    const header = HEADER.exec(first);
    if (!header || header[1] !== folder) fail(`${folder}/README.md line 1 must be "# ${folder} — what it owns."`);
    const list = MAY_IMPORT.exec(second);
    if (!list) fail(`${folder}/README.md line 2 must be "May import: nothing" or "May import: src/a, src/b"`);
    headers.set(folder, { owns: header[2], mayImport: list[1] === "nothing" ? [] : list[1].split(", ") });
  }
  return headers;
}

/** The headered folder a subfolder belongs to (src/language for src/language/text), if any. */
function parentOf(folder, headers) {
  for (let p = path.posix.dirname(folder); p.includes("/"); p = path.posix.dirname(p)) {
    if (headers.has(p)) return p;
  }
  return undefined;
}

/** Checks the lists and that the folder graph they describe has no cycle. Returns folder → edges. */
function checkLayering(headers) {
  const known = (name) => headers.has(name) || GENERATED.includes(name);
  for (const [folder, { mayImport }] of headers) {
    for (const name of mayImport) {
      if (!known(name)) fail(`${folder}/README.md lists ${name}, which is not a folder with a header`);
      if (folder !== FOUNDATION && (isWithin(name, folder) || isWithin(folder, name))) {
        fail(`${folder}/README.md lists ${name}: a folder already owns its subfolders and never imports its parents`);
      }
    }
    // A subfolder's list stays within what its parent may import (plus its siblings), so the
    // parent's header stays true for the whole subtree.
    const parent = parentOf(folder, headers);
    if (parent && folder !== FOUNDATION) {
      const parentList = headers.get(parent).mayImport;
      for (const name of mayImport) {
        const sibling = isWithin(name, parent);
        if (!sibling && !parentList.some((allowed) => isWithin(name, allowed))) {
          fail(`${folder}/README.md lists ${name}, which its parent ${parent} may not import`);
        }
      }
    }
  }
  // Edges: the lists, each parent to its subfolders, and every folder not below the
  // foundation to the foundation.
  const edges = new Map([...headers.keys()].map((folder) => [folder, new Set(headers.get(folder).mayImport)]));
  for (const folder of headers.keys()) {
    const parent = parentOf(folder, headers);
    if (parent) edges.get(parent).add(folder);
  }
  const belowFoundation = reachable(FOUNDATION, edges);
  for (const folder of headers.keys()) {
    if (folder !== FOUNDATION && !belowFoundation.has(folder)) edges.get(folder).add(FOUNDATION);
  }
  const cycle = findCycle(edges);
  if (cycle) fail(`the folder headers form a cycle: ${cycle.join(" → ")}`);
  return { edges, belowFoundation };
}

function reachable(start, edges) {
  const seen = new Set();
  const visit = (folder) => {
    for (const next of edges.get(folder) ?? []) if (!seen.has(next)) seen.add(next) && visit(next);
  };
  if (edges.has(start)) visit(start);
  return seen;
}

function findCycle(edges) {
  const state = new Map(); // folder → "open" | "done"
  const trail = [];
  const visit = (folder) => {
    state.set(folder, "open");
    trail.push(folder);
    for (const next of edges.get(folder) ?? []) {
      if (state.get(next) === "open") return [...trail.slice(trail.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    trail.pop();
    state.set(folder, "done");
    return undefined;
  };
  for (const folder of edges.keys()) {
    if (!state.has(folder)) {
      const found = visit(folder);
      if (found) return found;
    }
  }
  return undefined;
}

const headers = readHeaders();
if (!headers.has(FOUNDATION)) fail(`${FOUNDATION}/README.md (the foundation's header) is missing`);
const { belowFoundation } = checkLayering(headers);

const compositionRoot = COMPOSITION_ROOT.map((file) => `^${toRegex(file)}$`);
// The foundation's files: the files directly in src/, less the composition root's.
const rootFileNames = COMPOSITION_ROOT.filter((file) => path.posix.dirname(file) === FOUNDATION).map((file) =>
  toRegex(path.posix.basename(file)),
);
const foundationFiles = `^${toRegex(FOUNDATION)}/(?!(?:${rootFileNames.join("|")})$)[^/]+$`;
const anySource = `^(?:${SOURCE_ROOTS.map(toRegex).join("|")})/`;

const layerRules = [...headers].map(([folder, { mayImport }]) => {
  const isFoundation = folder === FOUNDATION;
  const subfolders = [...headers.keys()].filter((other) => other !== folder && parentOf(other, headers) === folder);
  const allowed = [
    ...(isFoundation ? [foundationFiles] : [under(folder)]),
    ...mayImport.map(under),
    ...(isFoundation || belowFoundation.has(folder) ? [] : [foundationFiles]),
    ...compositionRoot, // reported once, by no-composition-root
  ];
  return {
    name: `layer:${folder}`,
    comment: `${folder} — ${headers.get(folder).owns} May import: ${mayImport.join(", ") || "nothing"} (${folder}/README.md).`,
    severity: "error",
    from: isFoundation
      ? { path: foundationFiles }
      : { path: under(folder), pathNot: [...subfolders.map(under), ...compositionRoot] },
    to: { path: anySource, pathNot: allowed },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no-composition-root",
      comment: "Only the composition root knows every part; nothing below it imports it (a port belongs below).",
      severity: "error",
      from: { path: anySource, pathNot: compositionRoot },
      to: { path: compositionRoot },
    },
    {
      name: "no-testing-in-production",
      comment: `Test doubles in ${TESTING_DIR}/ folders are for tests only.`,
      severity: "error",
      from: { path: anySource, pathNot: `/${TESTING_DIR}/` },
      to: { path: `/${TESTING_DIR}/` },
    },
    {
      name: "no-circular",
      comment: "Modules import each other in one direction only.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves (a package missing from package.json, a mistyped path).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    exclude: { path: BROWSER_CODE.map(under) },
    doNotFollow: { path: ["node_modules", ...GENERATED.map(under)] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    // No cache: its key covers the sources and this file, not the README headers the rules
    // are built from, so an edited header was ignored until the cache was deleted.
    cache: false,
  },
};
