// Primitives on the PMD entry, the PTE tables and the TLBs: khugepaged's clear / restore / install, the walkers'
// reads and the page-table changes of the other actors (zap, PT reclaim, munmap, mremap). See effects.ts.

import { Exec, fp, Handlers, NO_BLOCKERS, Part, release, requirePml, reportFilledHole } from './exec';
import { heldWalkerLocks, hiddenTableRule } from './rules';
import {
  FolioFlag, Lock, lockNames, PMD_NONE, pmdFolio, pmdHuge, pmdIsHuge, pmdIsTable, pmdTable, pmdTableId, PTE_NONE,
  pteFolio, pteIsPresent, ptePresent, TableState,
} from './state';

function zapPresentPtes(x: Exec, tb: number, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v = x.pte(tb, i);
    if (v === PTE_NONE) continue;
    x.setPte(tb, i, PTE_NONE);
    if (pteIsPresent(v)) x.unmapAndPut(pteFolio(v));
  }
}

function freeDepositedTables(x: Exec): void {
  for (let tb = 0; tb < x.L.tables; tb++) {
    if (x.s[x.L.tableState(tb)] === TableState.Deposited) x.s[x.L.tableState(tb)] = TableState.Freed;
  }
}

export const TABLE_HANDLERS = {
  checkPmdIsTable: {
    run: (x) => { x.setOutcome(pmdIsTable(x.pmd)); },
    footprint: () => fp(Part.Pmd, 0),
  },
  readPmd: {
    // A walker that holds a lock khugepaged should have excluded must not find the hidden table's pmd_none: a fault
    // or zap would fill or skip the hole. For an rmap walker, pmd_none only matters if the hidden table still maps
    // the folio it walks for (HIDDEN-TABLE-RMAP-EXCLUSION); a folio unmapped meanwhile is rightly "not mapped here".
    run: (x) => {
      x.saved = x.pmd;
      const hidden = x.pmd === PMD_NONE && heldWalkerLocks(x.held) ? x.tableHiddenByOther() : -1;
      const rmapOnly = (x.held & (Lock.MmapRead | Lock.MmapWrite | Lock.VmaRead)) === 0;
      if (hidden >= 0 && (!rmapOnly || x.tableMapsFolio(hidden, x.target))) {
        const hider = x.name(x.s[x.L.tableHider(hidden)] - 1);
        x.violate(hiddenTableRule(x.held),
          `sees pmd_none while ${hider} has PTE table ${x.tableLabel(hidden)} hidden` +
          (rmapOnly ? ` (it still maps folio ${x.folioLabel(x.target)})` : '') +
          `; this walk runs under ${lockNames(x.held & ~Lock.Notifier).join(', ')}, which ${hider} did not exclude`);
      }
      x.setOutcome(pmdIsTable(x.saved));
    },
    footprint: () => fp(Part.Pmd | Part.Table, 0),
  },
  collapseFlush: {
    run: (x) => {
      requirePml(x, 'clears the PMD');
      x.saved = x.pmd;
      if (pmdIsTable(x.pmd)) {
        const tb = pmdTableId(x.pmd);
        x.s[x.L.tableState(tb)] = TableState.Detached;
        x.s[x.L.tableHider(tb)] = x.t + 1;
        x.pmd = PMD_NONE;
      }
      x.flushAllTlbs();
    },
    footprint: () => fp(Part.Pmd | Part.Table | Part.Pml, Part.Pmd | Part.Table | Part.Tlb),
  },
  flushTlb: {
    run: (x) => { x.flushAllTlbs(); },
    footprint: () => fp(0, Part.Tlb),
  },
  mapTable: {
    blockers: (x, p) => {
      const v = p.source === 'live' ? x.pmd : x.saved;
      return p.lock && pmdIsTable(v) ? x.holders(Lock.Ptl, true) : NO_BLOCKERS;
    },
    run: (x, p) => {
      const v = p.source === 'live' ? x.pmd : x.saved;
      if (!pmdIsTable(v)) {
        x.setOutcome(false);
        return;
      }
      const tb = pmdTableId(v);
      if (p.lock) x.useTable(tb, 'locks', true);
      x.held |= Lock.Rcu | (p.lock ? Lock.Ptl : 0);
      x.s[x.L.mapped(x.t)] = tb + 1;
      x.setOutcome(true);
    },
    footprint: (p) => fp((p.source === 'live' ? Part.Pmd : 0) | (p.lock ? Part.Ptl | Part.Table : 0),
      p.lock ? Part.Ptl : 0),
  },
  unmapTable: {
    run: (x, p) => {
      if (p.unlock && !release(x, Lock.Ptl, 'the PTE lock')) return;
      if (release(x, Lock.Rcu, 'a PTE mapping (pte_unmap without pte_offset_map)')) x.s[x.L.mapped(x.t)] = 0;
    },
    footprint: (p) => fp(p.unlock ? Part.Ptl : 0, p.unlock ? Part.Ptl : 0),
  },
  deposit: {
    run: (x) => {
      requirePml(x, 'deposits the PTE table');
      if (!pmdIsTable(x.saved)) return;
      const tb = pmdTableId(x.saved);
      x.s[x.L.tableState(tb)] = TableState.Deposited;
      x.s[x.L.tableHider(tb)] = 0;
    },
    footprint: () => fp(Part.Pml, Part.Table),
  },
  setPmdHuge: {
    run: (x) => {
      requirePml(x, 'installs the huge PMD');
      if (x.pmd !== PMD_NONE) reportFilledHole(x, 'installs the huge PMD');
      if (!(x.folioFlags(x.own) & FolioFlag.Uptodate)) {
        x.violate('UPTODATE-BEFORE-MAP', 'maps the new folio before __folio_mark_uptodate');
      }
      x.pmd = pmdHuge(x.own);
      x.s[x.L.folioMap(x.own)] = 1;
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.FolioData, Part.Pmd | Part.FolioRef),
  },
  populatePmd: {
    run: (x) => {
      requirePml(x, 'populates the PMD');
      const tb = pmdIsTable(x.saved) ? pmdTableId(x.saved) : x.ownTable;
      if (x.pmd === pmdTable(tb)) return;
      if (x.pmd !== PMD_NONE) reportFilledHole(x, 'populates the PMD');
      const st = x.s[x.L.tableState(tb)];
      if (st === TableState.Freed || st === TableState.Deposited || st === TableState.RcuFreed) {
        x.useTable(tb, 'populates the PMD with', true);
      }
      x.pmd = pmdTable(tb);
      x.s[x.L.tableState(tb)] = TableState.Attached;
      x.s[x.L.tableHider(tb)] = 0;
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table, Part.Pmd | Part.Table),
  },
  setPtes: {
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'sets PTEs in', true);
      if (x.s[x.L.tableState(tb)] === TableState.Attached && !(x.held & Lock.Ptl)) {
        x.violate('PTE-WRITE-NEEDS-PTL-OR-ISOLATION', `writes PTEs of the attached table ${x.tableLabel(tb)} without its ptl`);
      }
      if (!(x.folioFlags(x.own) & FolioFlag.Uptodate)) {
        x.violate('UPTODATE-BEFORE-MAP', 'maps the new folio before __folio_mark_uptodate');
      }
      for (let i = 0; i < x.sc.collapsePtes; i++) x.setPte(tb, i, ptePresent(x.own));
      x.s[x.L.folioMap(x.own)] = x.sc.collapsePtes;
      x.s[x.L.folioRef(x.own)] = x.sc.collapsePtes;
    },
    footprint: () => fp(Part.Ptl | Part.Table | Part.FolioData, Part.Table | Part.FolioRef),
  },
  clearPtes: {
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'clears PTEs of', true);
      for (let i = 0; i < x.sc.collapsePtes; i++) {
        const v = x.pte(tb, i);
        x.setPte(tb, i, PTE_NONE);
        if (pteIsPresent(v)) x.s[x.L.folioMap(pteFolio(v))]--;
      }
    },
    footprint: () => fp(Part.Table | Part.FolioRef, Part.Table | Part.FolioRef),
  },
  pteAlloc: {
    // __pte_alloc → pmd_install: if the PMD it read was none, install a fresh table under the pml, unless
    // someone else did meanwhile.
    blockers: (x) => (x.saved === PMD_NONE ? x.holders(Lock.Pml, true) : NO_BLOCKERS),
    run: (x) => {
      if (x.saved !== PMD_NONE || x.pmd !== PMD_NONE) return;
      const hidden = x.tableHiddenByOther();
      if (hidden >= 0) {
        x.violate(hiddenTableRule(x.held), `installs a new PTE table into the PMD that ` +
          `${x.name(x.s[x.L.tableHider(hidden)] - 1)} cleared to hide ${x.tableLabel(hidden)}`);
      }
      x.pmd = pmdTable(x.ownTable);
      x.s[x.L.tableState(x.ownTable)] = TableState.Attached;
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table, Part.Pmd | Part.Table),
  },
  zapHugePmd: {
    // zap_huge_pmd under the pml: clear the huge PMD, drop the mapping, free the deposited table (pte_free).
    blockers: (x) => (pmdIsHuge(x.saved) ? x.holders(Lock.Pml, true) : NO_BLOCKERS),
    run: (x) => {
      if (!pmdIsHuge(x.saved) || !pmdIsHuge(x.pmd)) return;
      const f = pmdFolio(x.pmd);
      x.pmd = PMD_NONE;
      x.flushAllTlbs();
      x.unmapAndPut(f);
      freeDepositedTables(x);
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table | Part.FolioRef, Part.Pmd | Part.Table | Part.Tlb | Part.FolioRef),
  },
  zapPtes: {
    // zap_pte_range over the whole table (MADV_DONTNEED of the 2 MiB range): clear, flush, then free the pages.
    run: (x) => {
      const tb = x.mapped;
      if (tb < 0) return;
      x.useTable(tb, 'zaps PTEs of', true);
      x.flushAllTlbs();
      zapPresentPtes(x, tb, 0, x.L.ptes);
    },
    footprint: () => fp(Part.Table | Part.FolioRef, Part.Table | Part.Tlb | Part.FolioRef),
  },
  tryClearPmd: {
    // try_get_and_clear_pmd (mm/pt_reclaim.c): holding the ptl, only a trylock of the pml is allowed (inverted
    // order); clear the PMD of an empty table and free the table through RCU.
    run: (x) => {
      const tb = x.mapped;
      let ok = tb >= 0 && x.holders(Lock.Pml, true).length === 0 && x.pmd === pmdTable(tb);
      for (let i = 0; ok && i < x.L.ptes; i++) ok = x.pte(tb, i) === PTE_NONE;
      if (ok) {
        x.pmd = PMD_NONE;
        x.s[x.L.tableState(tb)] = TableState.RcuFreed;
        x.flushAllTlbs();
      }
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.Pml | Part.Pmd | Part.Table, Part.Pmd | Part.Table | Part.Tlb),
  },
  unmapVmas: {
    // unmap_vmas for munmap: zap everything mapped at the PMD (taking the pml/ptl inside).
    blockers: (x) => x.holders(Lock.Pml | Lock.Ptl, true),
    run: (x) => {
      const v = x.pmd;
      x.flushAllTlbs();
      if (pmdIsHuge(v)) {
        x.pmd = PMD_NONE;
        x.unmapAndPut(pmdFolio(v));
        freeDepositedTables(x);
      } else if (pmdIsTable(v)) {
        zapPresentPtes(x, pmdTableId(v), 0, x.L.ptes);
      }
    },
    footprint: () => fp(Part.Pml | Part.Ptl | Part.Pmd | Part.Table | Part.FolioRef,
      Part.Pmd | Part.Table | Part.Tlb | Part.FolioRef),
  },
  freePgtables: {
    // free_pgtables: no page-table locks (the VMA is already detached and mmap:W held); tables go through RCU.
    run: (x) => {
      if (!pmdIsTable(x.pmd)) return;
      x.s[x.L.tableState(pmdTableId(x.pmd))] = TableState.RcuFreed;
      x.pmd = PMD_NONE;
    },
    footprint: () => fp(Part.Pmd, Part.Pmd | Part.Table),
  },
  vmaGone: {
    run: (x) => { x.s[x.L.vmaAlive] = 0; },
    footprint: () => fp(0, Part.Vma),
  },
  movePmd: {
    // move_normal_pmd / move_huge_pmd: the whole entry moves to the destination PMD.
    run: (x) => {
      requirePml(x, 'moves the PMD entry');
      if (pmdIsTable(x.pmd)) x.s[x.L.tableState(pmdTableId(x.pmd))] = TableState.Moved;
      if (x.pmd !== PMD_NONE) {
        x.pmd = PMD_NONE;
        x.flushAllTlbs();
      }
    },
    footprint: () => fp(Part.Pml | Part.Pmd, Part.Pmd | Part.Table | Part.Tlb),
  },
} satisfies Partial<Handlers>;
