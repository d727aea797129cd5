// The item classifier is trained and predicts sparsely (sparse-softmax-trainer.ts,
// softmax-classifier.ts); it must be the model a plain dense pass trains, up to rounding.
// The reference below is that dense pass, written the obvious way: every class scored,
// a full softmax, every class with a gradient of at least 10⁻³ updated — its bias, and its
// weights where the sparse model has them (the classes whose texts use the feature, none
// for a feature more than `maxClasses` classes use).
import { describe, expect, it } from "vitest";
import { MaxTree } from "../src/language/ml/max-tree.ts";
import { seededRandom, shuffleInPlace } from "../src/language/ml/seeded-random.ts";
import { SoftmaxClassifier, type TrainingSample } from "../src/language/ml/softmax-classifier.ts";

interface Dense {
  weights: Float32Array;
  bias: Float32Array;
}

function denseTrain(samples: TrainingSample[], F: number, K: number, epochs: number, maxClasses: number): Dense {
  const allowed = new Uint8Array(F * K);
  for (const { features, label } of samples) for (const f of features) allowed[f * K + label] = 1;
  for (let f = 0; f < F; f++) {
    if (allowed.subarray(f * K, (f + 1) * K).reduce((a, b) => a + b, 0) > maxClasses)
      allowed.fill(0, f * K, (f + 1) * K);
  }
  const learningRate = 0.5;
  const l2 = 0.002;
  const v = new Float32Array(F * K);
  const bias = new Float64Array(K);
  const p = new Float64Array(K);
  const random = seededRandom(1);
  const order = Int32Array.from(samples.keys());
  for (let epoch = 0; epoch < epochs; epoch++) {
    const eta = learningRate / (1 + epoch * 0.1);
    shuffleInPlace(order, random);
    for (const i of order) {
      const { features, label } = samples[i]!;
      p.set(bias);
      for (const f of features) for (let k = 0; k < K; k++) p[k] = p[k]! + v[f * K + k]!;
      softmax(p);
      for (let k = 0; k < K; k++) {
        const g = p[k]! - (k === label ? 1 : 0);
        if (Math.abs(g) < 1e-3) continue;
        for (const f of features) if (allowed[f * K + k]) v[f * K + k] = v[f * K + k]! - g * eta;
        bias[k] = Math.fround(bias[k]! - eta * g);
      }
    }
    for (let w = 0; w < v.length; w++) v[w] = v[w]! * (1 - eta * l2);
  }
  return { weights: v, bias: Float32Array.from(bias) };
}

function densePredict(model: Dense, features: Int32Array, K: number): Float64Array {
  const p = Float64Array.from(model.bias);
  for (const f of features) for (let k = 0; k < K; k++) p[k] = p[k]! + model.weights[f * K + k]!;
  return softmax(p);
}

function softmax(p: Float64Array): Float64Array {
  let max = -Infinity;
  for (const x of p) max = Math.max(max, x);
  let sum = 0;
  for (let k = 0; k < p.length; k++) sum += p[k] = Math.exp(p[k]! - max);
  for (let k = 0; k < p.length; k++) p[k] = p[k]! / sum;
  return p;
}

/** Texts of a few features each: some tell the class, some are shared by many classes. */
function problem(F: number, K: number, perClass: number, seed: number): TrainingSample[] {
  const random = seededRandom(seed);
  const samples: TrainingSample[] = [];
  for (let label = 0; label < K; label++) {
    for (let n = 0; n < perClass; n++) {
      const features = new Set<number>([(label * 7) % F, Math.floor(random() * 10)]);
      while (features.size < 5) features.add(Math.floor(random() * F));
      samples.push({ features: Int32Array.from(features), label });
    }
  }
  return samples;
}

function compare(F: number, K: number, perClass: number, epochs: number, maxClassesPerFeature: number): void {
  const samples = problem(F, K, perClass, K);
  const sparse = SoftmaxClassifier.train(samples, F, K, { epochs, maxClassesPerFeature });
  const dense = denseTrain(samples, F, K, epochs, maxClassesPerFeature);
  const random = seededRandom(99);
  const out = new Float64Array(K);
  let agree = 0;
  const queries = [...samples.slice(0, 50).map((s) => s.features)];
  for (let q = 0; q < 50; q++) queries.push(Int32Array.from({ length: 4 }, () => Math.floor(random() * F)));
  for (const features of queries) {
    sparse.predictInto(features, features.length, out);
    const expected = densePredict(dense, features, K);
    let sum = 0;
    let difference = 0;
    for (let k = 0; k < K; k++) {
      difference = Math.max(difference, Math.abs(out[k]! - expected[k]!));
      sum += out[k]!;
    }
    expect(difference).toBeLessThan(1e-5);
    expect(sum).toBeCloseTo(1, 9);
    if (argmax(out) === argmax(expected)) agree++;
  }
  // Near-ties may round either way; everything else must pick the same class.
  expect(agree).toBeGreaterThanOrEqual(queries.length - 1);
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k;
  return best;
}

describe("sparse softmax classifier", () => {
  it("is the dense model with few classes, where every class starts probable enough to update", () => {
    compare(60, 8, 12, 14, 500);
  });

  it("is the dense model with 1,200 classes, where an untouched class starts below the update threshold", () => {
    compare(300, 1_200, 2, 5, 500);
  });

  it("is the dense model without the features too many classes use", () => {
    // Features 0–9 are in every class's texts (see problem()): left out above 6 classes.
    compare(60, 8, 12, 14, 6);
  });

  it("ignores feature ids it was not trained on", () => {
    const classifier = SoftmaxClassifier.train(problem(20, 3, 5, 1), 20, 3);
    const out = new Float64Array(3);
    const known = new Float64Array(3);
    classifier.predictInto(Int32Array.of(0, 25), 2, out);
    classifier.predictInto(Int32Array.of(0), 1, known);
    expect(out).toEqual(known);
  });
});

describe("MaxTree", () => {
  it("finds exactly the values at or above a threshold, after any updates", () => {
    const random = seededRandom(7);
    const tree = new MaxTree(37);
    const values = new Float64Array(37);
    const out = new Int32Array(37);
    for (let round = 0; round < 200; round++) {
      const i = Math.floor(random() * 37);
      values[i] = random() * 10;
      tree.set(i, values[i]!);
      const threshold = random() * 10;
      const found = [...out.subarray(0, tree.collectAtLeast(threshold, out))].sort((a, b) => a - b);
      const expected = [...values.keys()].filter((k) => values[k]! >= threshold);
      expect(found).toEqual(expected);
      expect(tree.get(i)).toBe(values[i]);
    }
  });
});
