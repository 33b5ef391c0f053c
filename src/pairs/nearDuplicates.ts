/**
 * Near-duplicate pairs (CNA008) without comparing every pair with every other. Two word sets with Jaccard > t
 * differ in few words, and that bounds where a match can be:
 * - Short prompts (the usual case): when one set has at most `smallLimit(t)` words (18 at t = 0.9), a match
 *   differs from it by at most one word (equal, one more, one fewer). Each set is hashed (a sum of random
 *   word weights, so dropping a word is a subtraction) with and without each of its words; a lookup per
 *   variant finds every candidate. Linear in the number of words.
 * - Longer prompts: a prefix-filtering set similarity join. Words are ranked rarest first; two sets with
 *   Jaccard >= t share a word among the first |x| - ceil(t|x|) + 1 of each, and here on both sides of the
 *   pair, so the index is keyed by (positive word, negative word).
 * Candidates are always confirmed with the exact Jaccard on both sides.
 */

/** The two prompts of a pair. */
export interface PairTexts {
  positive: string;
  negative: string;
}

/**
 * For each item (in order) that has an earlier item whose word sets have Jaccard > threshold on both sides,
 * the pair [earlier, later]; each later item is reported once, against the earliest match. Words are runs
 * of letters and digits; undefined items and prompts without words are skipped.
 */
export function findNearDuplicates(items: (PairTexts | undefined)[], threshold = 0.9): [number, number][] {
  const vocabulary = new WordIds();
  const sets = items.map((item) => {
    if (!item) return undefined;
    const positive = vocabulary.wordsOf(item.positive);
    const negative = vocabulary.wordsOf(item.negative);
    return positive.length > 0 && negative.length > 0 ? { positive, negative } : undefined;
  });
  // Rank each side's words rarest first, so prefixes hold rare words and candidate lists stay short.
  const rankPositive = rarestFirst(
    sets.map((s) => s?.positive),
    vocabulary.size,
  );
  const rankNegative = rarestFirst(
    sets.map((s) => s?.negative),
    vocabulary.size,
  );
  const ranked = sets.map(
    (s) =>
      s && {
        positive: sortNumbers(s.positive.map((id) => rankPositive[id])),
        negative: sortNumbers(s.negative.map((id) => rankNegative[id])),
      },
  );
  const weight = wordWeights(vocabulary.size);
  const small = smallLimit(threshold);

  const whole = new MultiIndex(); // hash of the positive set -> items
  const lessOne = new MultiIndex(); // hash of the positive set less one word -> items
  const prefixes = new MultiIndex(); // (positive, negative) prefix words -> longer items
  const pairKey = (p: number, n: number) => (Math.imul(p, 0x9e3779b1) ^ n) >>> 0;
  const seen = new Int32Array(items.length).fill(-1);
  const found: [number, number][] = [];
  for (let j = 0; j < ranked.length; j++) {
    const a = ranked[j];
    if (!a) continue;
    let match = -1;
    const consider = (i: number) => {
      if (seen[i] === j || (match >= 0 && i >= match)) return;
      seen[i] = j;
      const b = ranked[i]!;
      if (!sizesCompatible(a.positive.length, b.positive.length, threshold)) return;
      if (!sizesCompatible(a.negative.length, b.negative.length, threshold)) return;
      if (jaccard(a.positive, b.positive) > threshold && jaccard(a.negative, b.negative) > threshold) match = i;
    };
    const size = a.positive.length;
    let hash = 0;
    for (const w of a.positive) hash = (hash + weight[w]) >>> 0;
    // Matches that differ by at most one word: all of them when this set is short, and the short ones of a
    // set one word longer than the limit.
    if (size <= small + 1) {
      whole.forEach(hash, consider);
      lessOne.forEach(hash, consider);
      for (const w of a.positive) whole.forEach((hash - weight[w]) >>> 0, consider);
    }
    const prefixP = prefixLength(size, threshold);
    const prefixN = prefixLength(a.negative.length, threshold);
    if (size > small) {
      for (let k = 0; k < prefixP; k++) for (let l = 0; l < prefixN; l++) prefixes.forEach(pairKey(a.positive[k], a.negative[l]), consider);
    }
    if (match >= 0) found.push([match, j]);

    whole.add(hash, j);
    if (size <= small + 1) for (const w of a.positive) lessOne.add((hash - weight[w]) >>> 0, j);
    if (size > small) for (let k = 0; k < prefixP; k++) for (let l = 0; l < prefixN; l++) prefixes.add(pairKey(a.positive[k], a.negative[l]), j);
  }
  return found;
}

/**
 * A multimap from 32-bit keys to item numbers in typed arrays (open addressing for the keys, a linked list of
 * entries per key): millions of entries without a JavaScript array per key.
 */
class MultiIndex {
  private keys = new Uint32Array(1 << 10);
  private heads = new Int32Array(1 << 10); // entry + 1; 0 marks an empty slot
  private items = new Int32Array(1 << 10);
  private next = new Int32Array(1 << 10); // entry + 1 of the next entry of the same key; 0 ends the list
  private slotsUsed = 0;
  private entries = 0;

  add(key: number, item: number): void {
    if (2 * (this.slotsUsed + 1) > this.keys.length) this.growSlots();
    if (this.entries === this.items.length) {
      const items = new Int32Array(this.items.length * 2);
      items.set(this.items);
      this.items = items;
      const next = new Int32Array(this.next.length * 2);
      next.set(this.next);
      this.next = next;
    }
    const slot = this.slotOf(key);
    if (this.heads[slot] === 0) {
      this.keys[slot] = key;
      this.slotsUsed++;
    }
    this.items[this.entries] = item;
    this.next[this.entries] = this.heads[slot];
    this.heads[slot] = ++this.entries;
  }

  forEach(key: number, fn: (item: number) => void): void {
    for (let e = this.heads[this.slotOf(key)]; e !== 0; e = this.next[e - 1]) fn(this.items[e - 1]);
  }

  private slotOf(key: number): number {
    const mask = this.keys.length - 1;
    let slot = (Math.imul(key, 0x85ebca6b) >>> 0) & mask;
    while (this.heads[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  private growSlots(): void {
    const keys = this.keys;
    const heads = this.heads;
    this.keys = new Uint32Array(keys.length * 2);
    this.heads = new Int32Array(keys.length * 2);
    for (let s = 0; s < keys.length; s++) {
      if (heads[s] === 0) continue;
      const slot = this.slotOf(keys[s]);
      this.keys[slot] = keys[s];
      this.heads[slot] = heads[s];
    }
  }
}

/**
 * The largest set size whose matches differ from it by at most one word: two sets that differ by d >= 2
 * words with Jaccard > t have a union above 2 / (1 - t) words, and each holds more than t of it.
 */
export function smallLimit(t: number): number {
  const union = Math.floor(2 / (1 - t) + 1e-9) + 1;
  return Math.ceil(t * union - 1e-9) - 1;
}

/** A fixed pseudo-random 32-bit weight per word rank (a set's hash is the sum of its words' weights). */
function wordWeights(size: number): Uint32Array {
  const w = new Uint32Array(size);
  let s = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    w[i] = (z ^ (z >>> 14)) >>> 0;
  }
  return w;
}

/** Rank of each word id when the words of `sets` are ordered rarest first (ties by id). */
function rarestFirst(sets: (number[] | undefined)[], size: number): Int32Array {
  const frequency = new Int32Array(size);
  for (const s of sets) if (s) for (const id of s) frequency[id]++;
  const order = Int32Array.from({ length: size }, (_, i) => i).sort((a, b) => frequency[a] - frequency[b] || a - b);
  const rankOf = new Int32Array(size);
  order.forEach((id, rank) => {
    rankOf[id] = rank;
  });
  return rankOf;
}

function prefixLength(size: number, t: number): number {
  // The epsilon keeps float rounding (0.9 * 10 = 9.000...01) from shortening the prefix.
  return size - Math.ceil(t * size - 1e-9) + 1;
}

function sizesCompatible(a: number, b: number, t: number): boolean {
  return a >= t * b - 1e-9 && b >= t * a - 1e-9;
}

/** Jaccard similarity of two sorted arrays of distinct ids. */
export function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - common;
  return union === 0 ? 0 : common / union;
}

const byNumber = (a: number, b: number): number => a - b;

/** Sorts numbers ascending in place; insertion sort for the short arrays of prompt words (the builtin sort's
 * comparator calls dominated the run time). */
function sortNumbers(xs: number[]): number[] {
  if (xs.length > 48) return xs.sort(byNumber);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    let j = i - 1;
    while (j >= 0 && xs[j] > x) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = x;
  }
  return xs;
}

/**
 * Gives each distinct word a small id while scanning, without making a string per word: words are keyed by a
 * 32-bit FNV-1a hash in an open-addressing table. Two words whose hashes collide count as one, which is
 * harmless for a lint warning (about one collision in 400,000 vocabularies of 10,000 words).
 */
class WordIds {
  private keys = new Int32Array(1 << 12);
  private ids = new Int32Array(1 << 12); // id + 1; 0 marks an empty slot
  size = 0;
  private readonly wordChar = new Uint8Array(0x10000); // 0 unknown, 1 letter or digit, 2 other

  /** Sorted distinct ids of the words of `text` (letters and digits, lower-cased). */
  wordsOf(raw: string): number[] {
    const text = raw.toLowerCase();
    const out: number[] = [];
    let hash = 0;
    let inWord = false;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 32;
      if (this.isWordChar(c)) {
        hash = Math.imul((inWord ? hash : 0x811c9dc5) ^ c, 0x01000193);
        inWord = true;
      } else if (inWord) {
        out.push(this.id(hash));
        inWord = false;
      }
    }
    sortNumbers(out);
    let n = 0;
    for (let k = 0; k < out.length; k++) if (k === 0 || out[k] !== out[k - 1]) out[n++] = out[k];
    out.length = n;
    return out;
  }

  private isWordChar(c: number): boolean {
    if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
    let known = this.wordChar[c];
    if (known === 0) {
      // Surrogates join astral letters (and emoji) into words: harmless for a similarity measure.
      known = (c >= 0xd800 && c <= 0xdfff) || /[\p{L}\p{N}]/u.test(String.fromCharCode(c)) ? 1 : 2;
      this.wordChar[c] = known;
    }
    return known === 1;
  }

  private id(hash: number): number {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      if (this.ids[slot] === 0) {
        this.keys[slot] = hash;
        this.ids[slot] = ++this.size;
        return this.size - 1;
      }
      if (this.keys[slot] === hash) return this.ids[slot] - 1;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const ids = this.ids;
    this.keys = new Int32Array(keys.length * 2);
    this.ids = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let s = 0; s < keys.length; s++) {
      if (ids[s] === 0) continue;
      let slot = keys[s] & mask;
      while (this.ids[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = keys[s];
      this.ids[slot] = ids[s];
    }
  }
}
