// The item matcher's smaller models, built without per-document maps, per-row arrays or a
// vocabulary per held-out fold (so a city's catalog loads in seconds): each must be what
// the plain construction gives. The references below are that plain construction. And the
// matcher builds only as many held-out fold models as give the re-ranker enough questions.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";
import { HeadConcepts } from "../src/language/components/head-concepts.ts";
import {
  classifierEpochs,
  type MatcherTrainingData,
  ServiceMatcher,
} from "../src/language/components/service-matcher.ts";
import { Bm25Index } from "../src/language/ml/bm25-index.ts";
import { FeatureVocabulary } from "../src/language/ml/feature-vocabulary.ts";
import { LogisticRegression, sigmoid } from "../src/language/ml/logistic-regression.ts";
import { seededRandom } from "../src/language/ml/seeded-random.ts";

/** BM25 written the obvious way: a map of term frequencies per document. */
function referenceScores(docs: number[][], query: number[], maxShare: number): { scores: number[]; idf: number[] } {
  const F = Math.max(...docs.flat(), ...query) + 1;
  const df = new Array<number>(F).fill(0);
  const tfs = docs.map((d) => {
    const tf = new Map<number, number>();
    for (const f of d) tf.set(f, (tf.get(f) ?? 0) + 1);
    for (const f of tf.keys()) df[f]!++;
    return tf;
  });
  const average = docs.reduce((a, d) => a + d.length, 0) / docs.length;
  const idf = df.map((n) => Math.log(1 + (docs.length - n + 0.5) / (n + 0.5)));
  const scores = docs.map((d, i) => {
    const norm = 1.2 * (1 - 0.75 + (0.75 * d.length) / average);
    let score = 0;
    for (const f of query) {
      const n = tfs[i]!.get(f) ?? 0;
      if (n > 0 && df[f]! <= maxShare * docs.length) score += (idf[f]! * n * 2.2) / (n + norm);
    }
    return score;
  });
  return { scores, idf };
}

function randomDocs(count: number, features: number, seed: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    // Repeats on purpose (term frequency), and feature 0 in nearly every document.
    Array.from({ length: 2 + Math.floor(random() * 12) }, (_, i) => (i === 0 ? 0 : Math.floor(random() * features))),
  );
}

describe("BM25 index", () => {
  for (const maxShare of [1, 0.3]) {
    it(`scores as the per-document term-frequency construction (features in more than ${maxShare * 100}% of documents left out)`, () => {
      const docs = randomDocs(60, 40, 3);
      const index = Bm25Index.build(
        docs.map((d, i) => (i % 2 === 0 ? d : Int32Array.from(d))),
        40,
        maxShare,
      );
      const random = seededRandom(5);
      for (let q = 0; q < 20; q++) {
        const query = [...new Set(Array.from({ length: 4 }, () => Math.floor(random() * 40)))];
        if (q === 0) query.push(0);
        const expected = referenceScores(docs, query, maxShare);
        const scores = new Float64Array(docs.length);
        const matched = new Float64Array(docs.length);
        index.score(Int32Array.from(query), query.length, scores, matched);
        const sparse = new Float64Array(docs.length);
        const touched = new Int32Array(docs.length);
        const hits = index.scoreSparse(Int32Array.from(query), query.length, sparse, touched);
        for (let d = 0; d < docs.length; d++) {
          expect(scores[d]).toBeCloseTo(expected.scores[d]!, 12);
          expect(sparse[d]).toBeCloseTo(expected.scores[d]!, 12);
        }
        expect(hits).toBe(expected.scores.filter((s) => s > 0).length);
        for (const f of query) expect(index.idf(f)).toBe(expected.idf[f]);
      }
    });
  }
});

/** Newton's method on one array per row, every feature summed: the re-ranker's fit as first written. */
function referenceFit(rows: Float64Array[], labels: number[]): Float64Array {
  const width = rows[0]!.length + 1;
  const w = new Float64Array(width);
  for (let it = 0; it < 25; it++) {
    const gradient = new Float64Array(width);
    const hessian = Array.from({ length: width }, () => new Float64Array(width));
    rows.forEach((row, r) => {
      const x = Float64Array.of(...row, 1);
      let z = 0;
      for (let j = 0; j < width; j++) z += w[j]! * x[j]!;
      const p = sigmoid(z);
      const curvature = Math.max(p * (1 - p), 1e-6);
      for (let i = 0; i < width; i++) {
        gradient[i]! += (p - labels[r]!) * x[i]!;
        for (let j = 0; j < width; j++) hessian[i]![j]! += curvature * x[i]! * x[j]!;
      }
    });
    for (let i = 0; i < width - 1; i++) {
      gradient[i]! += 1e-2 * w[i]!;
      hessian[i]![i]! += 1e-2;
    }
    // Gauss-Jordan without pivoting: the matrix is symmetric positive definite.
    const m = hessian.map((row, i) => Float64Array.of(...row, gradient[i]!));
    for (let c = 0; c < width; c++) {
      for (let r = 0; r < width; r++) {
        if (r === c) continue;
        const factor = m[r]![c]! / m[c]![c]!;
        for (let k = c; k <= width; k++) m[r]![k]! -= factor * m[c]![k]!;
      }
    }
    let change = 0;
    for (let i = 0; i < width; i++) {
      const step = m[i]![width]! / m[i]![i]!;
      w[i]! -= step;
      change = Math.max(change, Math.abs(step));
    }
    if (change < 1e-6) break;
  }
  return w;
}

describe("re-ranker (logistic regression)", () => {
  it("fits rows given one after the other in one array as the per-row fit does", () => {
    const random = seededRandom(11);
    const width = 6;
    const rows: Float64Array[] = [];
    const labels: number[] = [];
    for (let r = 0; r < 400; r++) {
      // Binary flags (mostly 0) and a few continuous features, as the matcher's evidence.
      const row = Float64Array.from({ length: width }, (_, i) =>
        i < 3 ? (random() < 0.3 ? 1 : 0) : random() < 0.5 ? 0 : random(),
      );
      rows.push(row);
      labels.push(random() < sigmoid(2 * row[0]! - row[1]! + 3 * row[3]! - 1) ? 1 : 0);
    }
    const flat = new Float64Array(rows.length * width);
    rows.forEach((row, r) => flat.set(row, r * width));
    const model = LogisticRegression.train(flat, width, labels);
    const expected = referenceFit(rows, labels);
    for (let i = 0; i <= width; i++) expect(model.weights[i]).toBeCloseTo(expected[i]!, 8);
    // A row read in place in the flat array is the row on its own.
    expect(model.probability(flat, 7 * width)).toBe(model.probability(rows[7]!));
  });

  it("gives one half without rows", () => {
    const model = LogisticRegression.train(new Float64Array(0), 4, []);
    expect(model.probability(new Float64Array(4))).toBe(0.5);
  });
});

describe("feature vocabulary", () => {
  const texts = [
    { tokens: ["护照", "补办"], words: ["护照", "补办"] },
    { tokens: ["身份证", "怎么", "办"], words: ["身份证", "怎么", "办", "证"] },
    { tokens: ["社保卡", "丢了"], words: ["社保卡", "丢了", "社保"] },
  ];

  it("read with the features some texts use is the vocabulary of those texts alone", () => {
    const all = new FeatureVocabulary();
    const features = texts.map((t) => all.learn(t));
    for (let held = 0; held < texts.length; held++) {
      const known = new Uint8Array(all.size);
      features.forEach((ids, i) => {
        if (i !== held) for (const id of ids) known[id] = 1;
      });
      const alone = new FeatureVocabulary();
      texts.forEach((t, i) => i !== held && alone.learn(t));
      for (const query of [...texts, { tokens: ["护照", "身份证", "天气"], words: ["护照", "身份证", "天气"] }]) {
        const expected = alone.features(query);
        const expectedNames = [...expected.ids.subarray(0, expected.count)].map((id) => alone.name(id));
        const { unseenWords: expectedUnseen } = expected;
        const got = all.features(query, known);
        expect([...got.ids.subarray(0, got.count)].map((id) => all.name(id))).toEqual(expectedNames);
        expect(got.unseenWords).toBe(expectedUnseen);
      }
    }
  });
});

describe("service matcher's held-out fold models", () => {
  /** The sample catalog's texts, read one character a token (the matcher needs no real segmentation to be built). */
  async function trainingData(): Promise<MatcherTrainingData> {
    const catalog = await loadCatalog(path.resolve(import.meta.dirname, "../intents"));
    const terms = (text: string) => {
      const tokens = [...text.toLowerCase()];
      return { text, tokens, words: tokens, content: tokens };
    };
    return {
      items: catalog.items,
      itemTexts: catalog.items.map((item) =>
        [item.name, ...item.aliases, ...item.examples].map((text, k) => ({
          terms: terms(text),
          isExample: k > item.aliases.length,
        })),
      ),
      outOfScope: catalog.outOfScope.map(terms),
      isNoun: () => false,
      heads: new HeadConcepts(catalog.items, catalog.outOfScopeActions, catalog.serviceStages),
    };
  }

  it("are all five while the held-out questions are few, and only as many as give enough of them", async () => {
    const data = await trainingData();
    const heldOut =
      data.itemTexts.reduce((n, texts) => n + texts.filter((t) => t.isExample).length, 0) + data.outOfScope.length;
    const all = ServiceMatcher.train(data);
    expect(all.foldModels).toBe(5);
    // A fifth of the questions is held out per fold: two folds give 40% of them.
    const some = ServiceMatcher.train({ ...data, heldOutQuestions: Math.ceil(heldOut * 0.3) });
    expect(some.foldModels).toBe(2);
    expect(some.soleHead.questions).toBeLessThan(all.soleHead.questions);
    expect(ServiceMatcher.train({ ...data, heldOutQuestions: 1 }).foldModels).toBe(1);
    // Fewer fold models fit the re-ranker on fewer rows; the items' own names still come first.
    for (const item of data.items.slice(0, 10)) {
      const terms = data.itemTexts[data.items.indexOf(item)]![0]!.terms;
      expect(some.match(terms)[0]?.item.code).toBe(item.code);
    }
  });
});

describe("item classifier's epochs", () => {
  it("are all 14 for the sample catalog, fewer (at least 5) for a catalog with many more texts", () => {
    expect(classifierEpochs(1_507)).toBe(14);
    expect(classifierEpochs(8_900)).toBe(14);
    expect(classifierEpochs(12_307)).toBe(10);
    expect(classifierEpochs(100_000)).toBe(5);
    expect(classifierEpochs(0)).toBe(14);
  });
});
