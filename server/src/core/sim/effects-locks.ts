// Primitives on locks and sections: mmap_lock, the per-VMA lock, the rmap rwsems, the pml and ptl spinlocks,
// IRQ-off sections (and the IPI sync that waits for them) and the mmu notifier bracket. See effects.ts.

import { conflictBits, fp, Handlers, lockBit, LOCK_PART, Part, release } from './exec';
import { Lock, TableState } from './state';

export const LOCK_HANDLERS = {
  lock: {
    blockers: (x, p) => x.holders(conflictBits(p.lock, p.mode), true),
    run: (x, p) => { x.held |= lockBit(p.lock, p.mode); },
    footprint: (p) => fp(LOCK_PART[p.lock], LOCK_PART[p.lock]),
  },
  unlock: {
    run: (x, p) => { release(x, lockBit(p.lock, p.mode), `${p.lock}${p.lock === 'pml' || p.lock === 'ptl' ? '' : `:${p.mode}`}`); },
    footprint: (p) => fp(LOCK_PART[p.lock], LOCK_PART[p.lock]),
  },
  trylock: {
    run: (x, p) => {
      const free = x.holders(conflictBits(p.lock, p.mode), true).length === 0;
      if (free) x.held |= lockBit(p.lock, p.mode);
      x.setOutcome(free);
    },
    footprint: (p) => fp(LOCK_PART[p.lock], LOCK_PART[p.lock]),
  },
  mmapDowngrade: {
    run: (x) => {
      if (release(x, Lock.MmapWrite, 'mmap:W')) x.held |= Lock.MmapRead;
      x.s[x.L.vmaWriteLocked] = 0; // downgrading ends every VMA write lock (vma_end_write_all)
    },
    footprint: () => fp(Part.Mmap, Part.Mmap | Part.VmaLock),
  },
  vmaEndWriteAll: {
    run: (x) => { x.s[x.L.vmaWriteLocked] = 0; },
    footprint: () => fp(0, Part.VmaLock),
  },
  vmaStartWrite: {
    // vma_start_write waits for the current per-VMA-lock readers to leave.
    blockers: (x) => x.holders(Lock.VmaRead, false),
    run: (x) => {
      if (!(x.held & Lock.MmapWrite)) x.violate('VMA-WRITE-NEEDS-MMAP-WRITE', 'write-locks the VMA without mmap:W');
      x.s[x.L.vmaWriteLocked] = 1;
    },
    footprint: () => fp(Part.VmaLock | Part.Mmap, Part.VmaLock),
  },
  vmaTryRead: {
    // lock_vma_under_rcu → vma_start_read: fails (does not wait) when the VMA is write-locked or gone.
    run: (x) => {
      const ok = x.s[x.L.vmaAlive] === 1 && x.s[x.L.vmaWriteLocked] === 0;
      if (ok) x.held |= Lock.VmaRead;
      x.setOutcome(ok);
    },
    footprint: () => fp(Part.VmaLock | Part.Vma, Part.VmaLock),
  },
  vmaEndRead: {
    run: (x) => { release(x, Lock.VmaRead, 'the VMA read lock'); },
    footprint: () => fp(Part.VmaLock, Part.VmaLock),
  },
  irqOff: {
    run: (x) => { x.held |= Lock.IrqOff; },
    footprint: () => fp(0, Part.Irq),
  },
  irqOn: {
    run: (x) => { release(x, Lock.IrqOff, 'IRQ-off'); },
    footprint: () => fp(Part.Irq, Part.Irq),
  },
  waitForIrqOffSections: {
    // tlb_remove_table_sync_one: an IPI to every CPU, acknowledged only once it re-enables interrupts.
    blockers: (x) => x.holders(Lock.IrqOff, false),
    run: () => undefined,
    footprint: () => fp(Part.Irq, 0),
  },
  notifierStart: {
    run: (x) => { x.held |= Lock.Notifier; },
    footprint: () => fp(0, 0),
  },
  notifierEnd: {
    run: (x) => { release(x, Lock.Notifier, 'the mmu notifier range (invalidate_range_end without start)'); },
    footprint: () => fp(0, 0),
  },
  noTableHiddenByMe: {
    run: (x, p) => {
      for (let tb = 0; tb < x.L.tables; tb++) {
        if (x.s[x.L.tableState(tb)] === TableState.Detached && x.s[x.L.tableHider(tb)] === x.t + 1) {
          x.violate(p.rule, `gives up mmap:W while PTE table ${x.tableLabel(tb)} is still hidden (PMD none): ` +
            'per-VMA-lock faults and other walkers can run into the hole');
        }
      }
    },
    footprint: () => fp(Part.Table, 0),
  },
  revalidateVma: {
    run: (x) => { x.setOutcome(x.s[x.L.vmaAlive] === 1); },
    footprint: () => fp(Part.Vma, 0),
  },
} satisfies Partial<Handlers>;
