// The service matcher trains in a worker thread (src/language/matcher-thread.ts): the models
// it sends back answer exactly as models trained in-process, and while a reload trains, the
// thread that answers keeps answering from the old snapshot until the new one is ready.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../src/knowledge/catalog-schema.ts";
import type { Knowledge } from "../src/knowledge/knowledge.ts";
import { KnowledgeStore } from "../src/knowledge/knowledge-store.ts";
import { createLogger } from "../src/logger.ts";
import { workerMatcherTrainer } from "../src/language/matcher-thread.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { DEFAULT_THRESHOLDS, Understander } from "../src/language/understander.ts";
import { readEvalSets } from "../src/language/understanding-evaluation.ts";
import { INTENTS_DIR, shippedCatalog } from "./support/catalog.ts";

const fixtures = path.resolve(import.meta.dirname, "fixtures");
const noWarning = (error: Error) => {
  throw new Error(`the worker thread did not start: ${error.message}`);
};

describe("the matcher trained in a worker thread", () => {
  it("answers every eval, near-miss and independent question as the in-process one, probabilities included", async () => {
    const catalog = await shippedCatalog();
    // Thresholds given: neither understander comes from the per-process cache.
    const options = { messageModel: loadMessageModel(), thresholds: DEFAULT_THRESHOLDS };
    const inProcess = new Understander(catalog, options);
    const fromWorker = await Understander.forCatalogTrainedBy(catalog, options, workerMatcherTrainer(noWarning));
    expect(fromWorker).not.toBe(inProcess);
    const texts: string[] = [];
    for (const dir of ["eval", "eval-near-miss/check", "eval-near-miss/tune", "independent"]) {
      const sets = await readEvalSets(path.join(fixtures, dir));
      for (const set of [sets.service, sets.outOfCatalog, sets.complaints, sets.nonComplaints])
        texts.push(...set.map(({ text }) => text));
    }
    expect(texts.length).toBeGreaterThan(800);
    for (const text of texts) expect(fromWorker.understand(text), text).toEqual(inProcess.understand(text));
  });

  it("trains in-process when no worker can start, and says so once", async () => {
    const warnings: Error[] = [];
    const missing = new URL("./no-such-worker.mjs", import.meta.url);
    const train = workerMatcherTrainer((error) => warnings.push(error), missing);
    const catalog = await shippedCatalog();
    const options = { messageModel: loadMessageModel(), thresholds: DEFAULT_THRESHOLDS };
    const fallback = await Understander.forCatalogTrainedBy(catalog, options, train);
    await Understander.forCatalogTrainedBy(catalog, options, train);
    expect(warnings).toHaveLength(1);
    const inProcess = new Understander(catalog, options);
    for (const text of ["身份证丢了怎么办", "公积金怎么提取", "今天天气怎么样"])
      expect(fallback.understand(text)).toEqual(inProcess.understand(text));
  });

  it("rejects with the worker's error when training fails, without falling back", async () => {
    const warnings: Error[] = [];
    const train = workerMatcherTrainer((error) => warnings.push(error));
    const catalog = await shippedCatalog();
    const broken = { ...catalog, items: catalog.items.map((item) => ({ ...item, examples: undefined })) };
    await expect(train(broken as unknown as Catalog)).rejects.toThrow(/not iterable/);
    expect(warnings).toEqual([]);
  });
});

describe("a reload whose matcher trains in a worker thread", () => {
  let intents: string;
  let store: KnowledgeStore<{ understander: Understander }>;
  /** Makes the next reload's training fail in the worker (a model that cannot be built). */
  let breakTraining = false;
  /** True while the models of a snapshot are built (the files are read before). */
  let building = false;

  beforeAll(async () => {
    intents = await fs.mkdtemp(path.join(os.tmpdir(), "hub-matcher-thread-"));
    await fs.cp(INTENTS_DIR, intents, { recursive: true });
    const train = workerMatcherTrainer(noWarning);
    const build = async ({ catalog }: Knowledge) => {
      const trained = breakTraining
        ? ({ ...catalog, items: catalog.items.map((item) => ({ ...item, examples: undefined })) } as unknown as Catalog)
        : catalog;
      building = true;
      try {
        return { understander: await Understander.forCatalogTrainedBy(trained, undefined, train) };
      } finally {
        building = false;
      }
    };
    store = await KnowledgeStore.open(intents, { timeZone: "Asia/Shanghai", build, log: createLogger("silent") });
  });
  afterAll(async () => {
    store.close();
    await fs.rm(intents, { recursive: true, force: true });
  });

  const question = "驾照快到期了怎么换";

  it("keeps answering from the old snapshot while the new one trains, then answers from the new one", async () => {
    const old = store.current;
    const oldItem = old.catalog.items.find((item) => item.code === "CJ001")!;
    expect(store.built.understander.understand(question).serviceItem).toBe(oldItem);
    const file = path.join(intents, "items/CJ001.yaml");
    await fs.writeFile(file, (await fs.readFile(file, "utf8")).replace("aliases: [", "aliases: [驾照换个新的, "));

    // Answers on this thread, a timer turn at a time, until the reload settles.
    const answered: { version: number; old: boolean; building: boolean }[] = [];
    let done = false;
    const answering = (async () => {
      while (!done) {
        const understanding = store.built.understander.understand(question);
        answered.push({ version: store.current.version, old: understanding.serviceItem === oldItem, building });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const result = await store.reload().finally(() => (done = true));
    await answering;

    expect(result).toMatchObject({ ok: true, version: old.version + 1 });
    // While the models were built (at the least while the worker started), answers kept
    // coming, all from the old snapshot: the training did not hold this thread.
    expect(answered.filter((a) => a.building).length).toBeGreaterThanOrEqual(3);
    expect(answered.every((a) => a.version === old.version && a.old)).toBe(true);
    const now = store.built.understander.understand(question).serviceItem!;
    expect(now).not.toBe(oldItem);
    expect(now.aliases).toContain("驾照换个新的");
  });

  it("rejects a snapshot whose models fail to build in the worker; the old one keeps serving", async () => {
    const serving = store.current;
    const understander = store.built.understander;
    const file = path.join(intents, "items/CJ001.yaml");
    await fs.writeFile(file, (await fs.readFile(file, "utf8")).replace("aliases: [", "aliases: [驾照换一本, "));
    breakTraining = true;
    try {
      const result = await store.reload();
      expect(result).toMatchObject({
        ok: false,
        problems: [expect.stringMatching(/^cannot build the catalog's models: .*not iterable/)],
        serving: { version: serving.version, items: serving.catalog.items.length },
      });
    } finally {
      breakTraining = false;
    }
    expect(store.current).toBe(serving);
    expect(store.built.understander).toBe(understander);
  });
});
