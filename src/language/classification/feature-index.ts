// Maps a feature hash to its row in the model (or -1 when the model does not know it).
// Open addressing over one typed array of (hash, row + 1) pairs, at most half full: a
// lookup — also of the many features a model does not know — reads one or two adjacent
// entries, and 10^5 features take about 2 MB.
export class FeatureIndex {
  private readonly entries: Uint32Array;
  private readonly mask: number;

  /** `hashes[i]` becomes row `i`; the hashes must be distinct. */
  constructor(hashes: Uint32Array) {
    let capacity = 16;
    while (capacity < hashes.length * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.entries = new Uint32Array(capacity * 2);
    for (let row = 0; row < hashes.length; row++) {
      const hash = hashes[row]!;
      let slot = hash & this.mask;
      while (this.entries[2 * slot + 1] !== 0) {
        if (this.entries[2 * slot] === hash) throw new Error(`feature hash ${hash} is listed twice`);
        slot = (slot + 1) & this.mask;
      }
      this.entries[2 * slot] = hash;
      this.entries[2 * slot + 1] = row + 1;
    }
  }

  row(hash: number): number {
    const entries = this.entries;
    let slot = hash & this.mask;
    for (;;) {
      const stored = entries[2 * slot + 1]!;
      if (stored === 0) return -1;
      if (entries[2 * slot] === hash) return stored - 1;
      slot = (slot + 1) & this.mask;
    }
  }
}
