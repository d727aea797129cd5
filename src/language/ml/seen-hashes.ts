// The feature hashes already counted in the message being scored, so a feature that
// occurs twice counts once without sorting the message's hashes. A small open-addressing
// table that stays in the CPU's nearest cache (a chat message has ~40 hashes), emptied
// for the next message by a new stamp instead of clearing it.
export class SeenHashes {
  private hashes = new Uint32Array(256);
  private stamps = new Uint32Array(256);
  private mask = 255;
  private stamp = 0;

  /** Starts a message of at most `count` hashes: nothing is seen yet. */
  clear(count: number): void {
    if (2 * count > this.hashes.length) {
      let capacity = this.hashes.length;
      while (capacity < 2 * count) capacity *= 2;
      this.hashes = new Uint32Array(capacity);
      this.stamps = new Uint32Array(capacity);
      this.mask = capacity - 1;
      this.stamp = 0;
    } else if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 0;
    }
    this.stamp++;
  }

  /** Marks the hash seen; false when it already was (in this message). */
  add(hash: number): boolean {
    const { hashes, stamps, stamp, mask } = this;
    // Feature hashes are already well mixed (murmur's finalizer): their low bits will do.
    let slot = hash & mask;
    while (stamps[slot] === stamp) {
      if (hashes[slot] === hash) return false;
      slot = (slot + 1) & mask;
    }
    stamps[slot] = stamp;
    hashes[slot] = hash;
    return true;
  }
}
