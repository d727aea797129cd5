// The baseline the issue quotes: multinomial naive Bayes over character 1- and 2-grams
// of the raw text, Laplace smoothing. Kept deliberately plain.

export class NaiveBayes {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly documents = new Map<string, number>();
  private readonly vocabulary = new Set<string>();
  private trained = 0;

  train(text: string, label: string): void {
    const counts = this.counts.get(label) ?? new Map<string, number>();
    this.counts.set(label, counts);
    for (const gram of characterGrams(text)) {
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
      this.totals.set(label, (this.totals.get(label) ?? 0) + 1);
      this.vocabulary.add(gram);
    }
    this.documents.set(label, (this.documents.get(label) ?? 0) + 1);
    this.trained++;
  }

  predict(text: string): string {
    const grams = characterGrams(text);
    let best = "";
    let bestScore = -Infinity;
    for (const [label, counts] of this.counts) {
      const denominator = Math.log(this.totals.get(label)! + this.vocabulary.size);
      let score = Math.log(this.documents.get(label)! / this.trained);
      for (const gram of grams) score += Math.log((counts.get(gram) ?? 0) + 1) - denominator;
      if (score > bestScore) [best, bestScore] = [label, score];
    }
    return best;
  }
}

function characterGrams(text: string): string[] {
  const chars = [...text.replace(/\s+/g, "")];
  const grams = [...chars];
  for (let i = 1; i < chars.length; i++) grams.push(chars[i - 1]! + chars[i]!);
  return grams;
}
