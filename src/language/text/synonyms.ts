// Maps every variant of a term to its canonical form (身分证 → 居民身份证), so that
// the way a citizen says a thing does not change what they are understood to ask.
export class SynonymTable {
  private readonly canonical = new Map<string, string>();

  constructor(groups: string[][]) {
    for (const group of groups) {
      const [head] = group;
      if (head === undefined) continue;
      for (const word of group) this.canonical.set(word, head);
    }
  }

  canonicalize(token: string): string {
    return this.canonical.get(token) ?? token;
  }

  /** Every word in the table, for the segmenter's user dictionary. */
  words(): string[] {
    return [...this.canonical.keys()];
  }
}
