// Temperature scaling (Guo et al., 2017): one number T per task, fitted on messages the
// weights were not trained on, that turns over- or under-confident softmax outputs into
// calibrated probabilities without changing which label wins.

export interface HeldOutScores {
  /** Logits of each held-out message. */
  logits: Float64Array[];
  /** True class of each. */
  classes: Int32Array;
}

const MIN_LOG_T = Math.log(0.05);
const MAX_LOG_T = Math.log(20);

/** Mean negative log-likelihood of the true classes at temperature T. */
export function negativeLogLikelihood(scores: HeldOutScores, temperature: number): number {
  let total = 0;
  scores.logits.forEach((logits, i) => {
    let max = -Infinity;
    for (const z of logits) if (z / temperature > max) max = z / temperature;
    let sum = 0;
    for (const z of logits) sum += Math.exp(z / temperature - max);
    total += Math.log(sum) + max - logits[scores.classes[i]!]! / temperature;
  });
  return total / Math.max(1, scores.logits.length);
}

/** The T that minimizes held-out NLL (golden-section search on ln T; NLL is unimodal in T). */
export function fitTemperature(scores: HeldOutScores): number {
  if (scores.logits.length === 0) return 1;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = MIN_LOG_T;
  let hi = MAX_LOG_T;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = negativeLogLikelihood(scores, Math.exp(a));
  let fb = negativeLogLikelihood(scores, Math.exp(b));
  for (let i = 0; i < 60; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = negativeLogLikelihood(scores, Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = negativeLogLikelihood(scores, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}
