// The visited set: every distinct state once, in one growing Int16Array pool (every field fits in 16 bits: small
// counters, encodings below 256 and the lock bit set), indexed by an open-addressing hash table of state ids.
// Much cheaper than string keys in a Map: no per-state string or object, two bytes per field.

import type { State } from './state';

export class StateStore {
  private pool: Int16Array;
  private table: Int32Array;
  private mask: number;
  private count = 0;

  constructor(private readonly stride: number, initialCapacity = 1 << 12) {
    this.pool = new Int16Array(stride * initialCapacity);
    this.table = new Int32Array(initialCapacity * 2);
    this.mask = this.table.length - 1;
  }

  get size(): number { return this.count; }

  /** A copy of state `id`. */
  get(id: number): State {
    return Int32Array.from(this.pool.subarray(id * this.stride, (id + 1) * this.stride));
  }

  /** The id of a state equal to `s`, or -1. */
  find(s: State): number {
    for (let slot = hash(s) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.table[slot];
      if (entry === 0) return -1;
      if (this.equals(entry - 1, s)) return entry - 1;
    }
  }

  /** Adds `s` if it is new; returns [id, isNew]. */
  add(s: State): [number, boolean] {
    let slot = hash(s) & this.mask;
    for (; ; slot = (slot + 1) & this.mask) {
      const entry = this.table[slot];
      if (entry === 0) break;
      if (this.equals(entry - 1, s)) return [entry - 1, false];
    }
    const id = this.count++;
    if ((id + 1) * this.stride > this.pool.length) {
      const bigger = new Int16Array(this.pool.length * 2);
      bigger.set(this.pool);
      this.pool = bigger;
    }
    this.pool.set(s, id * this.stride);
    this.table[slot] = id + 1;
    if (this.count * 2 > this.table.length) this.rehash();
    return [id, true];
  }

  private equals(id: number, s: State): boolean {
    const base = id * this.stride;
    for (let i = 0; i < this.stride; i++) if (this.pool[base + i] !== s[i]) return false;
    return true;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    this.mask = this.table.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = hash(this.pool.subarray(id * this.stride, (id + 1) * this.stride)) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = id + 1;
    }
  }
}

/** 32-bit FNV-1a over the fields, with a final avalanche so that low bits spread over the table. */
function hash(s: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}
