// Issue 15, a catalog of a real city's size: the 41 sample items beside the same items plus
// a generated city list of 1,000+ (bench/city-catalog.ts, imported through the importer),
// each figure of the large catalog printed beside the sample catalog's, measured in the
// same run:
//   - service-item top-1 accuracy on the repo's eval questions (all about the 41 items),
//     with the hub's configuration (catalog + trained message model), as `npm run eval`;
//   - cold load time of the knowledge snapshot and the understander, and the memory of a
//     process that loaded it and answered the eval questions (a child process each, run
//     with the server's V8 flags from package.json's "serve" script);
//   - understanding throughput, as bench/understanding.ts measures it (one core, per CPU-second).
//
//   npx tsx bench/catalog-scale.ts   (also part of `npm run bench`; BENCH_CATALOG_SCALE=0 skips it there)
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseDocument, type YAMLSeq } from "yaml";
import { planImport, writeImport } from "../src/knowledge/catalog-import.ts";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";
import type { Catalog } from "../src/knowledge/catalog-schema.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { evaluateUnderstanding, readEvalSets } from "../src/language/understanding-evaluation.ts";
import { Understander } from "../src/language/understander.ts";
import type { CatalogLoadFigures } from "./catalog-load.ts";
import { cityCatalogRows, NEW_DEPARTMENTS } from "./city-catalog.ts";
import { root } from "./processes.ts";
import { compare, type Rate } from "./understanding.ts";

const CITY_ITEMS = Number(process.env.BENCH_CITY_ITEMS ?? 1_200);
const SEED = 15;
const TARGETS = { top1DropPoints: 2, loadMs: 5_000, rssMb: 400, perSecond: 10_000 };

/** The server's V8 flags (package.json's "serve" script), so a child's heap is limited as the hub's is. */
async function serverNodeFlags(): Promise<string[]> {
  const pkg = JSON.parse(await fs.readFile(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts.serve!.split(/\s+/).filter((arg) => arg.startsWith("--max-"));
}

/** A copy of intents/ with the generated city's items imported beside the sample items; returns its path. */
export async function cityIntentsDir(count = CITY_ITEMS, seed = SEED): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-city-catalog-"));
  await fs.cp(path.join(root, "intents"), dir, { recursive: true });
  // The city's own departments beside the sample ones.
  const departmentsFile = path.join(dir, "departments.yaml");
  const doc = parseDocument(await fs.readFile(departmentsFile, "utf8"));
  for (const department of NEW_DEPARTMENTS) (doc.get("departments") as YAMLSeq).add(doc.createNode(department));
  await fs.writeFile(departmentsFile, doc.toString());
  const sample = await loadCatalog(dir);
  const rows = cityCatalogRows({ count, seed, taken: new Set(sample.items.map((item) => item.name)) });
  const itemsDir = path.join(dir, "items");
  const plan = await planImport(
    rows.map((fields, i) => ({ line: i + 2, fields: { ...fields } })),
    { departments: sample.departments, itemsDir },
  );
  if (plan.rejected.length > 0)
    throw new Error(`the generated catalog has bad rows: ${JSON.stringify(plan.rejected.slice(0, 3))}`);
  await writeImport(plan, itemsDir, "city-catalog");
  return dir;
}

function coldLoad(dir: string, flags: string[]): Promise<CatalogLoadFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, "--import", "tsx", "bench/catalog-load.ts", dir], {
      cwd: root,
      env: { ...process.env, MALLOC_ARENA_MAX: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as CatalogLoadFigures);
      else reject(new Error(`catalog load of ${dir} exited with ${code}:\n${out.slice(-2_000)}`));
    });
  });
}

export interface CatalogScaleFigures {
  items: [number, number];
  top1: [number, number];
  answeredRight: [number, number];
  clarifyRate: [number, number];
  outOfCatalogAnswered: [number, number];
  load: [CatalogLoadFigures, CatalogLoadFigures];
  throughput: [Rate, Rate];
}

export async function runCatalogScaleBench(): Promise<CatalogScaleFigures> {
  const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

  const cityDir = await cityIntentsDir();
  try {
    const flags = await serverNodeFlags();
    // Cold loads first, one process each, one after the other.
    const load: [CatalogLoadFigures, CatalogLoadFigures] = [
      await coldLoad(path.join(root, "intents"), flags),
      await coldLoad(cityDir, flags),
    ];

    const messageModel = loadMessageModel();
    const catalogs: [Catalog, Catalog] = [await loadCatalog(path.join(root, "intents")), await loadCatalog(cityDir)];
    const understanders = catalogs.map((catalog) => new Understander(catalog, { messageModel })) as [
      Understander,
      Understander,
    ];
    const sets = await readEvalSets(path.join(root, "tests/fixtures/eval"));
    const reports = understanders.map((u) => evaluateUnderstanding(u, sets).metrics);
    const messages = [...sets.service, ...sets.outOfCatalog, ...sets.complaints, ...sets.nonComplaints].map(
      (q) => q.text,
    );
    const throughput = compare(
      messages,
      understanders.map((u) => (text: string) => u.understand(text)),
    ) as [Rate, Rate];

    const items: [number, number] = [catalogs[0].items.length, catalogs[1].items.length];
    const top1: [number, number] = [reports[0]!.service.top1Accuracy, reports[1]!.service.top1Accuracy];
    const answered = reports.map((r) => r.service.answeredRight) as [number, number];
    const ooc = reports.map((r) => r.outOfCatalog.answered) as [number, number];
    const clarify = reports.map((r) => r.clarifyRate) as [number, number];
    const drop = (top1[0] - top1[1]) * 100;

    console.log(
      `Catalog at a city's size: the ${items[0]} sample items (baseline) beside them plus ${fmt(items[1] - items[0])} generated ones (seed ${SEED}), same run.\n`,
    );
    const row = (label: string, small: string, big: string, target: string) =>
      console.log(`${label.padEnd(40)}${small.padStart(16)}${big.padStart(18)}   ${target}`);
    row("", `${items[0]} items`, `${fmt(items[1])} items`, "");
    row(
      `top-1 on ${sets.service.length} eval questions`,
      pct(top1[0]),
      pct(top1[1]),
      `(drop ${drop.toFixed(1)} points; target ≤ ${TARGETS.top1DropPoints}: ${verdict(drop <= TARGETS.top1DropPoints)})`,
    );
    row("  answered with the right item", pct(answered[0]), pct(answered[1]), "");
    row("clarify rate, all questions", pct(clarify[0]), pct(clarify[1]), "");
    row(
      `out-of-catalog answered (${sets.outOfCatalog.length})`,
      pct(ooc[0]),
      pct(ooc[1]),
      "(the large catalog may really have some: informative only)",
    );
    const loadOf = (f: CatalogLoadFigures) => Math.min(f.loadWallMs, f.loadCpuMs);
    row(
      "load, cold (ms wall / CPU)",
      `${fmt(load[0].loadWallMs)} / ${fmt(load[0].loadCpuMs)}`,
      `${fmt(load[1].loadWallMs)} / ${fmt(load[1].loadCpuMs)}`,
      `(target < 5 s: ${verdict(loadOf(load[1]) < TARGETS.loadMs)})`,
    );
    row(
      "process RSS after the eval (MB, peak)",
      `${load[0].rssMb.toFixed(0)} (${load[0].peakRssMb.toFixed(0)})`,
      `${load[1].rssMb.toFixed(0)} (${load[1].peakRssMb.toFixed(0)})`,
      `(target < ${TARGETS.rssMb} MB: ${verdict(load[1].peakRssMb < TARGETS.rssMb)}; ${flags.join(" ")}, tsx loader included)`,
    );
    row(
      "  of it V8 heap / typed arrays (MB)",
      `${load[0].heapUsedMb.toFixed(0)} / ${load[0].externalMb.toFixed(0)}`,
      `${load[1].heapUsedMb.toFixed(0)} / ${load[1].externalMb.toFixed(0)}`,
      "",
    );
    row(
      "understanding (msg/CPU-s)",
      fmt(throughput[0].perCpuSecond),
      fmt(throughput[1].perCpuSecond),
      `(target ≥ ${fmt(TARGETS.perSecond)}: ${verdict(throughput[1].perCpuSecond >= TARGETS.perSecond)}; with the trained message model)`,
    );
    return { items, top1, answeredRight: answered, clarifyRate: clarify, outOfCatalogAnswered: ooc, load, throughput };
  } finally {
    await fs.rm(cityDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runCatalogScaleBench();
