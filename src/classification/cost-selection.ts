// Chooses a task's SVM cost C by k-fold cross-validation on the training messages alone:
// the data a deployment trains on decides, not a figure tuned on some benchmark. The
// folds are a seeded shuffle, so the choice is deterministic. The scores every message
// got from the models that did not see it are kept: they calibrate the final model.
import { seededRandom, shuffleInPlace } from "./seeded-random.ts";
import { layerLogits } from "./softmax-layer.ts";
import { subset, type TrainedWeights, type TrainingSet } from "./training-set.ts";

export interface CostChoice {
  cost: number;
  /** Cross-validated accuracy of each candidate, in the order given. */
  accuracies: number[];
  /** Per message, its logits from the chosen cost's model of the folds that held it out. */
  heldOutLogits: Float64Array[];
}

/**
 * The candidate with the best cross-validated accuracy (the first listed wins a tie).
 * With fewer messages than two per fold, the first candidate is taken unmeasured (and
 * there are no held-out logits).
 */
export function chooseCost(
  set: TrainingSet,
  labels: string[],
  candidates: readonly number[],
  folds: number,
  seed: number,
  train: (part: TrainingSet, cost: number) => TrainedWeights,
): CostChoice {
  if (candidates.length === 0) throw new Error("chooseCost: no candidate cost");
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`chooseCost: cross-validation needs at least 2 folds, got ${folds}`);
  const n = set.vectors.length;
  if (n < 2 * folds) return { cost: candidates[0]!, accuracies: [], heldOutLogits: [] };
  const order = Int32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, seededRandom(seed));
  const runs = candidates.map((cost) => {
    const heldOutLogits = new Array<Float64Array>(n);
    let correct = 0;
    for (let fold = 0; fold < folds; fold++) {
      const held = order.filter((_, position) => position % folds === fold);
      const kept = order.filter((_, position) => position % folds !== fold);
      const layer = { labels, ...train(subset(set, kept), cost), temperature: 1 };
      for (const i of held) {
        const logits = (heldOutLogits[i] = new Float64Array(set.classCount));
        layerLogits(layer, set.vectors[i]!, logits);
        let best = 0;
        for (let k = 1; k < set.classCount; k++) if (logits[k]! > logits[best]!) best = k;
        if (best === set.classes[i]) correct++;
      }
    }
    return { accuracy: correct / n, heldOutLogits };
  });
  const accuracies = runs.map((r) => r.accuracy);
  let best = 0;
  for (let c = 1; c < candidates.length; c++) if (accuracies[c]! > accuracies[best]!) best = c;
  return { cost: candidates[best]!, accuracies, heldOutLogits: runs[best]!.heldOutLogits };
}
