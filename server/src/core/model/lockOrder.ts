// The lock hierarchy of ../shared/PROTOCOL.md §2 as data: outer locks first. It follows the "Lock ordering in
// mm" comment at the top of mm/rmap.c; `parseRmapLockOrder()` reads that comment's indentation format, and a
// test checks that this table agrees with the comment of the corpus kernels.
import type { LockFamily } from './api';

/** Lock classes the checker orders, outer → inner, with the name the rmap.c comment uses for each. */
export const LOCK_CLASSES = [
  { id: 'mmap_lock', rmapName: 'mm->mmap_lock', sleeps: true },
  { id: 'folio_lock', rmapName: 'folio_lock', sleeps: true },
  { id: 'vma_write', rmapName: 'vma_start_write', sleeps: true },
  { id: 'i_mmap', rmapName: 'mapping->i_mmap_rwsem', sleeps: true },
  { id: 'anon_vma', rmapName: 'anon_vma->rwsem', sleeps: true },
  // "mm->page_table_lock or pte_lock": one level in the comment; by practice the PMD lock is taken first and
  // the PTE lock nested inside it with SINGLE_DEPTH_NESTING (collapse_huge_page, retract_page_tables).
  { id: 'pml', rmapName: 'mm->page_table_lock or pte_lock', sleeps: false },
  { id: 'ptl', rmapName: 'mm->page_table_lock or pte_lock', sleeps: false },
  { id: 'lru_lock', rmapName: 'lruvec->lru_lock', sleeps: false },
] as const;

export type LockClassId = (typeof LOCK_CLASSES)[number]['id'];

export function lockRank(id: LockClassId): number {
  return LOCK_CLASSES.findIndex((c) => c.id === id);
}

/** The class of a held lock, from its family and protocol role; undefined for locks the order does not cover. */
export function lockClassOf(family: LockFamily, role: string | undefined, name: string): LockClassId | undefined {
  switch (family) {
    case 'mmap': return 'mmap_lock';
    case 'folio': return 'folio_lock';
    case 'vma': return 'vma_write';
    case 'i_mmap': return 'i_mmap';
    case 'anon_vma': return 'anon_vma';
    case 'spin':
      if (role === 'PMD lock' || /^(pml|pmd_ptl)$/.test(name)) return 'pml';
      if (role === 'PTE lock' || /^(ptl|pte_ptl)$/.test(name)) return 'ptl';
      return undefined;
    default:
      return undefined;
  }
}

export interface LockOrderEntry {
  name: string;
  /** Nesting depth in the comment: a lock is taken inside the nearest less-indented lock above it. */
  depth: number;
  /** The parenthesised note after the name ("in filemap_fault"), if any. */
  note?: string;
}

/**
 * Reads the first tree of a "Lock ordering in mm:" comment (the format of mm/rmap.c): one lock per line,
 * indentation = nesting. Stops at the first blank comment line after the tree.
 */
export function parseRmapLockOrder(comment: string): LockOrderEntry[] {
  const out: LockOrderEntry[] = [];
  let started = false;
  for (const raw of comment.split('\n')) {
    const line = raw.replace(/^\s*\/?\*+\/?/, '').replace(/\t/g, '        ');
    if (/Lock ordering in mm/i.test(line)) {
      started = true;
      continue;
    }
    if (!started) continue;
    const text = line.trim();
    if (!text) {
      if (out.length > 0) break;
      continue;
    }
    const depth = line.length - line.trimStart().length;
    const m = /^(.*?)\s*(?:\((.*)\))?$/.exec(text);
    out.push({ name: (m?.[1] ?? text).trim(), depth, note: m?.[2] });
  }
  return out;
}

/** True when `inner` is nested (transitively) inside `outer` in a parsed comment tree. */
export function nestedInside(entries: LockOrderEntry[], outer: string, inner: string): boolean {
  const i = entries.findIndex((e) => e.name === outer);
  if (i < 0) return false;
  for (let j = i + 1; j < entries.length && entries[j].depth > entries[i].depth; j++) {
    if (entries[j].name === inner) return true;
  }
  return false;
}
