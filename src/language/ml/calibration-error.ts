// Expected calibration error (ECE): how far stated confidences are from observed accuracy.
// Predictions are put in equal-width confidence bins; ECE is the bins' mean |accuracy −
// mean confidence|, weighted by their share of the predictions (Guo et al. 2017). 0 is
// perfectly calibrated: of the answers given 0.8, 80% are right.

export interface ScoredPrediction {
  /** Stated probability (0–1) that the prediction is right. */
  confidence: number;
  correct: boolean;
}

/** ECE over `bins` equal-width bins of [0, 1]; 0 for no predictions. */
export function expectedCalibrationError(predictions: readonly ScoredPrediction[], bins = 10): number {
  if (predictions.length === 0) return 0;
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const correct = new Float64Array(bins);
  for (const p of predictions) {
    const c = Math.min(1, Math.max(0, p.confidence));
    const bin = Math.min(bins - 1, Math.floor(c * bins));
    count[bin]!++;
    confidence[bin]! += c;
    if (p.correct) correct[bin]!++;
  }
  let error = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    error += Math.abs(correct[b]! - confidence[b]!) / predictions.length;
  }
  return error;
}
