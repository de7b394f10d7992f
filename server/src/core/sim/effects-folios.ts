// Primitives on folios and the accesses that reach them: khugepaged's isolate and copy, the new folio, GUP
// references and the writes through them, faults, reclaim's unmap, LRU isolation, folio locks and user stores
// through the TLB. See effects.ts.

import { ALL_FOLIO, Exec, fp, Handlers, NO_BLOCKERS, Part, pmlBlockers, ptlBlockers, reportFilledHole } from './exec';
import {
  FolioFlag, Lock, PMD_NONE, pmdFolio, pmdIsHuge, pmdIsTable, pmdTableId, PTE_NONE, pteFolio, pteIsPresent, ptePresent,
  pteSwap, TableState,
} from './state';

/** Does the live page table still map folio f at the actors' address? */
function liveMaps(x: Exec, f: number): boolean {
  const v = x.pmd;
  if (pmdIsHuge(v)) return pmdFolio(v) === f;
  return pmdIsTable(v) && x.pte(pmdTableId(v), x.target) === ptePresent(f);
}

export const FOLIO_HANDLERS = {
  isolateFolios: {
    // __collapse_huge_page_isolate: per PTE of the range, folio_trylock + is_refcount_suitable + folio_isolate_lru;
    // on any failure it releases what it took (release_pte_pages). Needs one present PTE (SCAN_PAGE_RO otherwise).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'isolates folios through', true);
      const unreachable = x.s[x.L.tableState(tb)] === TableState.Detached;
      const taken: number[] = [];
      let ok = true;
      for (let i = 0; i < x.sc.collapsePtes && ok; i++) {
        const v = x.pte(tb, i);
        if (v === PTE_NONE) continue;
        const f = pteFolio(v);
        const suitable = pteIsPresent(v) && x.s[x.L.folioLockedBy(f)] === 0 && x.s[x.L.folioIsolatedBy(f)] === 0 &&
          x.s[x.L.folioRef(f)] === x.s[x.L.folioMap(f)] && !x.freed(f);
        if (!suitable) {
          ok = false;
          break;
        }
        x.s[x.L.folioLockedBy(f)] = x.t + 1;
        x.s[x.L.folioIsolatedBy(f)] = x.t + 1;
        x.s[x.L.folioRef(f)]++;
        x.setFolioFlags(f, x.folioFlags(f) | FolioFlag.RefChecked | (unreachable ? FolioFlag.CheckedUnreachable : 0));
        taken.push(f);
      }
      if (!ok || taken.length === 0) x.releaseIsolated();
      x.setOutcome(ok && taken.length > 0);
    },
    footprint: () => fp(Part.Table | ALL_FOLIO, ALL_FOLIO),
  },
  copySucceeded: {
    // __collapse_huge_page_copy, copy succeeded → _copy_succeeded: clear each old PTE (taking the ptl briefly),
    // release_pte_folio, folio_remove_rmap_pte, free_page_and_swap_cache.
    blockers: (x) => ptlBlockers(x),
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'copies from', true);
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        if (!pteIsPresent(v)) continue;
        const f = pteFolio(v);
        if (x.freed(f)) {
          x.violate('MM-COUNTERS', `copies folio ${x.folioLabel(f)} after it was freed`);
        }
        x.setFolioFlags(f, x.folioFlags(f) | FolioFlag.Copied);
      }
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        if (v === PTE_NONE) continue;
        x.setPte(tb, i, PTE_NONE);
        if (!pteIsPresent(v)) continue;
        const f = pteFolio(v);
        if (x.s[x.L.folioIsolatedBy(f)] === x.t + 1) {
          x.s[x.L.folioIsolatedBy(f)] = 0;
          if (x.s[x.L.folioLockedBy(f)] === x.t + 1) x.s[x.L.folioLockedBy(f)] = 0;
          x.putFolio(f);
        }
        x.unmapAndPut(f);
      }
    },
    footprint: () => fp(Part.Ptl | Part.Table | ALL_FOLIO, Part.Table | ALL_FOLIO),
  },
  copyFailed: {
    // _copy_failed: re-establish the PMD (pmd_populate under the pml) before releasing the folios.
    blockers: (x) => pmlBlockers(x),
    run: (x) => {
      if (pmdIsTable(x.saved)) {
        if (x.pmd !== PMD_NONE && x.pmd !== x.saved) reportFilledHole(x, 'restores the PMD');
        const tb = pmdTableId(x.saved);
        x.pmd = x.saved;
        x.s[x.L.tableState(tb)] = TableState.Attached;
        x.s[x.L.tableHider(tb)] = 0;
      }
      x.releaseIsolated();
    },
    footprint: () => fp(Part.Pml | Part.Pmd | ALL_FOLIO, Part.Pmd | Part.Table | ALL_FOLIO),
  },
  releaseIsolated: {
    // release_pte_pages / release_pte_folio: unlock and put back every folio this thread isolated.
    run: (x) => { x.releaseIsolated(); },
    footprint: () => fp(ALL_FOLIO, ALL_FOLIO),
  },
  markCopied: {
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'copies from', true);
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        if (pteIsPresent(v)) x.setFolioFlags(pteFolio(v), x.folioFlags(pteFolio(v)) | FolioFlag.Copied);
      }
    },
    footprint: () => fp(Part.Table | Part.FolioData, Part.FolioData),
  },
  markUptodate: {
    run: (x) => { x.setFolioFlags(x.own, x.folioFlags(x.own) | FolioFlag.Uptodate); },
    footprint: () => fp(Part.FolioData, Part.FolioData),
  },
  putOwnFolio: {
    run: (x) => { x.putFolio(x.own); },
    footprint: () => fp(Part.FolioRef, Part.FolioRef),
  },
  readPte: {
    // ptep_get_lockless in GUP-fast on the table it mapped from its own copy of the PMD.
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'reads a PTE of', (x.held & Lock.Ptl) !== 0);
      const v = x.pte(tb, x.target);
      x.s[x.L.pteSeen(x.t)] = v;
      x.setOutcome(pteIsPresent(v));
    },
    footprint: () => fp(Part.Table, 0),
  },
  grabRef: {
    // try_grab_folio_fast: folio_try_get fails on a folio whose refcount already dropped to zero.
    run: (x) => {
      const v = x.s[x.L.pteSeen(x.t)];
      const f = pteFolio(v);
      const ok = pteIsPresent(v) && x.s[x.L.folioRef(f)] > 0;
      if (ok) {
        x.s[x.L.folioRef(f)]++;
        x.s[x.L.refFolio(x.t)] = f + 1;
        x.s[x.L.refLate(x.t)] = x.folioFlags(f) & FolioFlag.RefChecked ? 1 : 0;
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.FolioRef | Part.FolioData, Part.FolioRef),
  },
  gupRecheck: {
    // gup_fast_pte_range: after taking the reference, the PMD and then the PTE must still be what it read.
    run: (x) => {
      const tb = x.mapped;
      x.setOutcome(x.pmd === x.saved && tb >= 0 && x.pte(tb, x.target) === x.s[x.L.pteSeen(x.t)]);
    },
    footprint: () => fp(Part.Pmd | Part.Table, 0),
  },
  putRef: {
    run: (x) => {
      const f = x.s[x.L.refFolio(x.t)] - 1;
      if (f < 0) return;
      x.s[x.L.refFolio(x.t)] = 0;
      x.s[x.L.refLate(x.t)] = 0;
      x.putFolio(f);
    },
    footprint: () => fp(Part.FolioRef, Part.FolioRef),
  },
  pinWrite: {
    run: (x) => {
      const f = x.s[x.L.refFolio(x.t)] - 1;
      if (f < 0) return;
      const late = x.s[x.L.refLate(x.t)] === 1;
      const unreachable = (x.folioFlags(f) & FolioFlag.CheckedUnreachable) !== 0;
      x.write(f, { kind: 'pin', late, checkedWhileUnreachable: unreachable },
        `writes through its ${late ? 'late ' : ''}GUP reference to`);
    },
    footprint: () => fp(ALL_FOLIO, 0),
  },
  followPte: {
    // follow_page_pte under the ptl: a present PTE gives a reference (GUP slow path).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'reads a PTE of', true);
      const v = x.pte(tb, x.target);
      const f = pteFolio(v);
      const ok = pteIsPresent(v) && x.s[x.L.folioRef(f)] > 0;
      if (ok) {
        x.s[x.L.folioRef(f)]++;
        x.s[x.L.refFolio(x.t)] = f + 1;
        x.s[x.L.refLate(x.t)] = x.folioFlags(f) & FolioFlag.RefChecked ? 1 : 0;
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.Table | Part.FolioRef | Part.FolioData, Part.FolioRef),
  },
  faultPte: {
    // handle_pte_fault under the ptl: a none PTE gets this thread's new folio (do_anonymous_page); a present one
    // is written (write fault reusing an exclusive anon folio).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'handles a fault in', true);
      const v = x.pte(tb, x.target);
      if (v === PTE_NONE && x.s[x.L.folioMap(x.own)] === 0) {
        x.setPte(tb, x.target, ptePresent(x.own));
        x.s[x.L.folioMap(x.own)] = 1;
        x.setFolioFlags(x.own, x.folioFlags(x.own) | FolioFlag.Uptodate);
      } else if (pteIsPresent(v)) {
        x.write(pteFolio(v), { kind: 'fault' }, 'stores to');
      }
    },
    footprint: () => fp(Part.Table | ALL_FOLIO, Part.Table | Part.FolioRef | Part.FolioData),
  },
  tryToUnmapOne: {
    // try_to_unmap_one under the ptl: the PTE of its folio becomes a swap entry (ptep_clear_flush first).
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) {
        x.setOutcome(false);
        return;
      }
      x.useTable(tb, 'unmaps its folio in', true);
      const found = x.pte(tb, x.target) === ptePresent(x.target);
      if (found) {
        x.setPte(tb, x.target, pteSwap(x.target));
        x.flushAllTlbs();
        x.s[x.L.folioMap(x.target)]--; // the swap cache keeps the reference the mapping had
      }
      x.setOutcome(found);
    },
    footprint: () => fp(Part.Table | Part.FolioRef, Part.Table | Part.Tlb | Part.FolioRef),
  },
  folioIsolate: {
    run: (x) => {
      const f = x.target;
      const ok = x.s[x.L.folioIsolatedBy(f)] === 0 && !x.freed(f);
      if (ok) {
        x.s[x.L.folioIsolatedBy(f)] = x.t + 1;
        x.s[x.L.folioRef(f)]++;
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(ALL_FOLIO, Part.FolioLock | Part.FolioRef),
  },
  folioPutback: {
    run: (x) => {
      const f = x.target;
      if (x.s[x.L.folioIsolatedBy(f)] !== x.t + 1) {
        x.violate('LOCK-PAIR', `puts back folio ${x.folioLabel(f)}, which it did not isolate`);
        return;
      }
      x.s[x.L.folioIsolatedBy(f)] = 0;
      x.putFolio(f);
    },
    footprint: () => fp(Part.FolioLock | Part.FolioRef, Part.FolioLock | Part.FolioRef),
  },
  folioTrylock: {
    run: (x) => {
      const ok = x.s[x.L.folioLockedBy(x.target)] === 0;
      if (ok) x.s[x.L.folioLockedBy(x.target)] = x.t + 1;
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.FolioLock, Part.FolioLock),
  },
  folioLock: {
    blockers: (x) => {
      const by = x.s[x.L.folioLockedBy(x.target)];
      return by ? [by - 1] : NO_BLOCKERS;
    },
    run: (x) => { x.s[x.L.folioLockedBy(x.target)] = x.t + 1; },
    footprint: () => fp(Part.FolioLock, Part.FolioLock),
  },
  folioUnlock: {
    run: (x) => {
      if (x.s[x.L.folioLockedBy(x.target)] !== x.t + 1) {
        x.violate('LOCK-PAIR', `unlocks folio ${x.folioLabel(x.target)}, which it does not hold`);
        return;
      }
      x.s[x.L.folioLockedBy(x.target)] = 0;
    },
    footprint: () => fp(Part.FolioLock, Part.FolioLock),
  },
  cpuStore: {
    // A user store: through this CPU's TLB entry if there is one, else a hardware walk of the live tables that
    // loads the TLB; a miss would raise a page fault (the fault actors model that path).
    run: (x) => {
      const at = x.L.tlb(x.t, x.target);
      let f = x.s[at] - 1;
      if (f < 0) {
        const v = x.pmd;
        if (pmdIsHuge(v)) f = pmdFolio(v);
        else if (pmdIsTable(v) && pteIsPresent(x.pte(pmdTableId(v), x.target))) f = pteFolio(x.pte(pmdTableId(v), x.target));
        if (f < 0) {
          x.setOutcome(false);
          return;
        }
        x.s[at] = f + 1;
      }
      x.write(f, { kind: 'tlb', stillMapped: liveMaps(x, f) }, 'stores (through its TLB) to');
      x.setOutcome(true);
    },
    footprint: () => fp(Part.Tlb | Part.Pmd | Part.Table | ALL_FOLIO, Part.Tlb),
  },
} satisfies Partial<Handlers>;
