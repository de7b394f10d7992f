// Primitive effects on the model state. An op of the API table (ops.ts) is a short list of these primitives; the
// simulator interprets them and the Promela export (promela.ts) translates the same primitives, so both tools run
// the same op table. Each primitive has a guard (which threads it waits for), an effect (which may report a
// protocol violation), and a footprint (which parts of the state it reads and writes; the search uses footprints
// to decide which steps can run without interleaving, see search.ts). The primitives themselves live in
// effects-locks.ts, effects-tables.ts and effects-folios.ts; the shared context in exec.ts.

import { FOLIO_HANDLERS } from './effects-folios';
import { LOCK_HANDLERS } from './effects-locks';
import { TABLE_HANDLERS } from './effects-tables';
import { Exec, Footprint, Handler, Handlers, NO_BLOCKERS, Prim } from './exec';
import { lockNames, pmdHuge, TableState } from './state';

export { conflictBits, Exec, lockBit, Part } from './exec';
export type { EffectScenario, Footprint, LockMode, LockObject, Prim, PrimKind, Violation } from './exec';

/** Every primitive's handler (the compiler checks that none is missing). */
export const HANDLERS: Handlers = { ...LOCK_HANDLERS, ...TABLE_HANDLERS, ...FOLIO_HANDLERS };

export function primBlockers(x: Exec, p: Prim): number[] {
  const h = HANDLERS[p.k] as Handler<Prim>;
  return h.blockers ? h.blockers(x, p) : NO_BLOCKERS;
}

export function runPrim(x: Exec, p: Prim): void {
  (HANDLERS[p.k] as Handler<Prim>).run(x, p);
}

export function primFootprint(p: Prim): Footprint {
  return (HANDLERS[p.k] as Handler<Prim>).footprint(p);
}

/**
 * What a thread must not leave behind when it ends: locks and sections (LOCK-PAIR), folios it locked or
 * isolated, references it took, and a table it hid (BACKOFF-RESTORES-PMD, or DEPOSIT-WITH-HUGE-PMD when the
 * huge PMD went in but the old table was neither deposited nor freed).
 */
export function exitChecks(x: Exec): void {
  const held = lockNames(x.held);
  if (held.length) x.violate('LOCK-PAIR', `ends while still holding ${held.join(', ')}`);
  for (let f = 0; f < x.L.folios; f++) {
    if (x.s[x.L.folioLockedBy(f)] === x.t + 1) x.violate('LOCK-PAIR', `ends with folio ${x.folioLabel(f)} locked`);
    else if (x.s[x.L.folioIsolatedBy(f)] === x.t + 1) {
      x.violate('LOCK-PAIR', `ends with folio ${x.folioLabel(f)} still isolated from the LRU`);
    }
  }
  if (x.s[x.L.refFolio(x.t)]) {
    x.violate('LOCK-PAIR', `ends holding a reference on folio ${x.folioLabel(x.s[x.L.refFolio(x.t)] - 1)}`);
  }
  for (let tb = 0; tb < x.L.tables; tb++) {
    if (x.s[x.L.tableState(tb)] !== TableState.Detached || x.s[x.L.tableHider(tb)] !== x.t + 1) continue;
    if (x.pmd === pmdHuge(x.own)) {
      x.violate('DEPOSIT-WITH-HUGE-PMD', `ends with the huge PMD installed but the old table ${x.tableLabel(tb)} neither deposited nor freed`);
    } else {
      x.violate('BACKOFF-RESTORES-PMD', `ends with PTE table ${x.tableLabel(tb)} still hidden: the PMD stays none`);
    }
  }
}
