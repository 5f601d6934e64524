/** A seeded PRNG (mulberry32): the same seed gives the same trace on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` key indexes in [0, keys) drawn from a Zipf-like distribution (rank r has weight 1 / r^s). */
export function zipfTrace(keys: number, length: number, s: number, seed: number): number[] {
  const cdf = new Float64Array(keys);
  let total = 0;
  for (let rank = 1; rank <= keys; rank++) cdf[rank - 1] = total += 1 / rank ** s;
  const random = seededRandom(seed);
  // Ranks are shuffled onto key ids so popularity does not follow key order.
  const ids = Array.from({ length: keys }, (_, i) => i);
  for (let i = keys - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return Array.from({ length }, () => {
    const target = random() * total;
    let low = 0;
    let high = keys - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cdf[mid] < target) low = mid + 1;
      else high = mid;
    }
    return ids[low];
  });
}

/** Hit rate of an exact LRU of `capacity` entries over `trace` (a miss inserts the key). */
export function exactLruHitRate(trace: readonly number[], capacity: number): number {
  const lru = new Map<number, true>();
  let hits = 0;
  for (const key of trace) {
    if (lru.delete(key)) hits++;
    else if (lru.size >= capacity) lru.delete(lru.keys().next().value as number);
    lru.set(key, true);
  }
  return hits / trace.length;
}
