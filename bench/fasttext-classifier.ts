// A fastText-style classifier (Joulin et al. 2017), the comparison issue 15 asks for on
// MSGABench: character 1–3-grams hashed into buckets, each bucket a dense embedding trained
// in process; a message is the mean of its n-grams' embeddings, and a linear softmax over that
// mean gives the label. The embeddings may first learn from the training texts alone, without
// labels (skip-gram with negative sampling: an n-gram predicts the characters around it), as
// fastText's pretrained vectors do. Not shipped: a bench comparator, like naive Bayes.
import { seededRandom, shuffleInPlace } from "../src/language/ml/seeded-random.ts";

export interface FastTextOptions {
  dimension: number;
  epochs: number;
  learningRate: number;
  /** Hash buckets for the n-grams (rows of the embedding table). */
  buckets: number;
  /** Epochs of unsupervised skip-gram over the training texts (`pretrained`). */
  pretrainEpochs: number;
  /** Class weight = (n / count)^power: 0 none, 1 fully balanced. */
  classWeightPower: number;
  seed: number;
}

/** Chosen by 3-fold cross-validation on the training half only (docs/classification.md). */
export const FASTTEXT_DEFAULTS: FastTextOptions = {
  dimension: 64,
  epochs: 40,
  learningRate: 1,
  buckets: 1 << 18,
  pretrainEpochs: 3,
  classWeightPower: 0.5,
  seed: 1,
};

const MAX_GRAM = 3;
const WINDOW = 4;
const NEGATIVES = 5;

/** FNV-1a over the n-gram's UTF-16 units, into `buckets`. */
function bucketOf(chars: readonly string[], from: number, length: number, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < from + length; i++) {
    const s = chars[i]!;
    for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 0x2f, 0x01000193); // a separator, so 1+2 and 12 differ
  }
  return (h >>> 0) % buckets;
}

const charactersOf = (text: string) => [...text.replace(/\s+/g, "")];

/** Every character 1..3-gram's bucket; grams[p] lists those starting at position p. */
function gramsByPosition(chars: readonly string[], buckets: number): number[][] {
  return chars.map((_, p) => {
    const out: number[] = [];
    for (let n = 1; n <= MAX_GRAM && p + n <= chars.length; n++) out.push(bucketOf(chars, p, n, buckets));
    return out;
  });
}

export class FastTextClassifier {
  private readonly options: FastTextOptions;
  private readonly embeddings: Float32Array;
  private labels: string[] = [];
  private output = new Float32Array(0);
  private readonly random: () => number;

  /** `embeddings`: a copy of another classifier's (see `embeddingsOf`), else random ones. */
  constructor(options: Partial<FastTextOptions> = {}, embeddings?: Float32Array) {
    this.options = { ...FASTTEXT_DEFAULTS, ...options };
    const { dimension, buckets, seed } = this.options;
    this.random = seededRandom(seed);
    this.embeddings = embeddings ? embeddings.slice() : new Float32Array(buckets * dimension);
    if (!embeddings)
      for (let i = 0; i < this.embeddings.length; i++) this.embeddings[i] = (this.random() * 2 - 1) / dimension;
  }

  /** The n-gram embeddings learnt without labels (options.pretrainEpochs), to share between tasks. */
  static pretrained(texts: readonly string[], options: Partial<FastTextOptions>): Float32Array {
    const classifier = new FastTextClassifier(options);
    classifier.pretrain(texts.map(charactersOf));
    return classifier.embeddings;
  }

  train(texts: readonly string[], labels: readonly string[]): this {
    const { dimension, epochs, learningRate, classWeightPower, buckets } = this.options;
    const chars = texts.map(charactersOf);
    this.labels = [...new Set(labels)].sort();
    const classes = this.labels.length;
    this.output = new Float32Array(classes * dimension);
    const target = labels.map((l) => this.labels.indexOf(l));
    const counts = new Float64Array(classes);
    for (const k of target) counts[k]!++;
    const weights = Array.from(counts, (c) => (texts.length / classes / c) ** classWeightPower);
    const inputs = chars.map((c) => gramsByPosition(c, buckets).flat());
    const order = Int32Array.from(texts.keys());
    const hidden = new Float32Array(dimension);
    const gradient = new Float32Array(dimension);
    const scores = new Float64Array(classes);
    const steps = epochs * texts.length;
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, this.random);
      for (const i of order) {
        const rate = learningRate * (1 - step++ / steps);
        const input = inputs[i]!;
        if (input.length === 0) continue;
        this.mean(input, hidden);
        this.softmax(hidden, scores);
        gradient.fill(0);
        for (let k = 0; k < classes; k++) {
          const g = rate * weights[target[i]!]! * ((k === target[i] ? 1 : 0) - scores[k]!);
          const row = k * dimension;
          for (let d = 0; d < dimension; d++) {
            gradient[d]! += g * this.output[row + d]!;
            this.output[row + d]! += g * hidden[d]!;
          }
        }
        const share = 1 / input.length;
        for (const b of input) {
          const row = b * dimension;
          for (let d = 0; d < dimension; d++) this.embeddings[row + d]! += gradient[d]! * share;
        }
      }
    }
    return this;
  }

  /** Each label's probability, in `labels` order. */
  probabilities(text: string): Map<string, number> {
    const { dimension, buckets } = this.options;
    const input = gramsByPosition(charactersOf(text), buckets).flat();
    const hidden = new Float32Array(dimension);
    const scores = new Float64Array(this.labels.length);
    if (input.length > 0) this.mean(input, hidden);
    this.softmax(hidden, scores);
    return new Map(this.labels.map((l, k) => [l, scores[k]!]));
  }

  predict(text: string): string {
    let best = "";
    let bestP = -1;
    for (const [label, p] of this.probabilities(text)) if (p > bestP) [best, bestP] = [label, p];
    return best;
  }

  private mean(input: readonly number[], hidden: Float32Array): void {
    const { dimension } = this.options;
    hidden.fill(0);
    for (const b of input) {
      const row = b * dimension;
      for (let d = 0; d < dimension; d++) hidden[d]! += this.embeddings[row + d]!;
    }
    for (let d = 0; d < dimension; d++) hidden[d]! /= input.length;
  }

  private softmax(hidden: Float32Array, scores: Float64Array): void {
    const { dimension } = this.options;
    let max = -Infinity;
    for (let k = 0; k < scores.length; k++) {
      let s = 0;
      for (let d = 0; d < dimension; d++) s += this.output[k * dimension + d]! * hidden[d]!;
      scores[k] = s;
      max = Math.max(max, s);
    }
    let total = 0;
    for (let k = 0; k < scores.length; k++) total += scores[k] = Math.exp(scores[k]! - max);
    for (let k = 0; k < scores.length; k++) scores[k]! /= total;
  }

  /**
   * Skip-gram with negative sampling, fastText's unsupervised mode: the mean of the n-grams
   * starting at a position predicts each character within WINDOW of it, against NEGATIVES
   * characters drawn by frequency^0.75.
   */
  private pretrain(texts: readonly string[][]): void {
    const { dimension, buckets, pretrainEpochs, learningRate } = this.options;
    const ids = new Map<string, number>();
    const sequences = texts.map((chars) =>
      chars.map((c) => {
        let id = ids.get(c);
        if (id === undefined) ids.set(c, (id = ids.size));
        return id;
      }),
    );
    const frequency = new Float64Array(ids.size);
    for (const s of sequences) for (const id of s) frequency[id]!++;
    const table: number[] = [];
    const total = frequency.reduce((n, f) => n + f ** 0.75, 0);
    frequency.forEach((f, id) => {
      for (let k = 0; k < Math.ceil((f ** 0.75 / total) * 1e6); k++) table.push(id);
    });
    const contexts = new Float32Array(ids.size * dimension);
    const grams = texts.map((chars) => gramsByPosition(chars, buckets));
    const hidden = new Float32Array(dimension);
    const gradient = new Float32Array(dimension);
    const rate0 = learningRate * 0.1;
    const positions = sequences.reduce((n, s) => n + s.length, 0) * pretrainEpochs;
    let seen = 0;
    for (let epoch = 0; epoch < pretrainEpochs; epoch++) {
      for (let t = 0; t < sequences.length; t++) {
        const sequence = sequences[t]!;
        for (let p = 0; p < sequence.length; p++) {
          const rate = rate0 * (1 - seen++ / positions);
          const input = grams[t]![p]!;
          this.mean(input, hidden);
          gradient.fill(0);
          const reach = 1 + Math.floor(this.random() * WINDOW);
          for (let q = Math.max(0, p - reach); q <= Math.min(sequence.length - 1, p + reach); q++) {
            if (q === p) continue;
            for (let n = 0; n <= NEGATIVES; n++) {
              const context = n === 0 ? sequence[q]! : table[Math.floor(this.random() * table.length)]!;
              if (n > 0 && context === sequence[q]) continue;
              const row = context * dimension;
              let s = 0;
              for (let d = 0; d < dimension; d++) s += contexts[row + d]! * hidden[d]!;
              const g = rate * ((n === 0 ? 1 : 0) - 1 / (1 + Math.exp(-s)));
              for (let d = 0; d < dimension; d++) {
                gradient[d]! += g * contexts[row + d]!;
                contexts[row + d]! += g * hidden[d]!;
              }
            }
          }
          const share = 1 / input.length;
          for (const b of input) {
            const row = b * dimension;
            for (let d = 0; d < dimension; d++) this.embeddings[row + d]! += gradient[d]! * share;
          }
        }
      }
    }
  }
}
