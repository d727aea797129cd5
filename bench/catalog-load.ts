// One cold catalog load in a process of its own, for bench/catalog-scale.ts: the knowledge
// snapshot of an intents directory (as the hub loads it) and the understander built from it
// with the shipped message model, then the eval questions answered once (a process at
// work, not an idle one); prints one JSON line: load time (wall and CPU) and memory.
//
//   node --import tsx bench/catalog-load.ts <intents dir>
import path from "node:path";
import { loadKnowledge } from "../src/knowledge/knowledge.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { readEvalSets } from "../src/language/understanding-evaluation.ts";
import { Understander } from "../src/language/understander.ts";

export interface CatalogLoadFigures {
  items: number;
  loadWallMs: number;
  loadCpuMs: number;
  rssMb: number;
  peakRssMb: number;
  heapUsedMb: number;
  externalMb: number;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const dir = process.argv[2];
if (!dir) throw new Error("usage: bench/catalog-load.ts <intents dir>");
const root = path.resolve(import.meta.dirname, "..");
const sets = await readEvalSets(path.join(root, "tests/fixtures/eval"));
const messageModel = loadMessageModel();

const wall = performance.now();
const cpu = cpuMs();
const knowledge = await loadKnowledge(dir, { timeZone: "Asia/Shanghai" });
const understander = Understander.forCatalog(knowledge.catalog, { messageModel });
const loadWallMs = performance.now() - wall;
const loadCpuMs = cpuMs() - cpu;

for (const { text } of [...sets.service, ...sets.outOfCatalog, ...sets.complaints, ...sets.nonComplaints])
  understander.understand(text);
const mb = (bytes: number) => bytes / 1024 / 1024;
const memory = process.memoryUsage();
const figures: CatalogLoadFigures = {
  items: knowledge.catalog.items.length,
  loadWallMs,
  loadCpuMs,
  rssMb: mb(memory.rss),
  peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  heapUsedMb: mb(memory.heapUsed),
  externalMb: mb(memory.external + memory.arrayBuffers),
};
console.log(JSON.stringify(figures));
