// The diagram model's converters on hand-built inputs: lanes, steps, bands, lock bars, the state strip and the
// highlight of a known trace (fromSimulation) and of a known protocol match (fromProtocolMatch), and a real
// simulator counterexample, which must convert without losing a step.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Checker } from '../../server/src/core';
import { cSource, fromProtocolMatch, fromSimulation, simulationDiagram, staticDiagram, prepareSimulation } from '../../server/src/core/diagram';
import { parseLocks, parseStateAfter } from '../../server/src/core/diagram/fromProtocolMatch';
import { lockBarsFromSnapshots, lockKind, locksHeld } from '../../server/src/core/diagram/model';
import { protocolLocks, protocolState } from '../../server/src/core/diagram/protocolMatchNotation';
import { simulate, withoutTlbSync } from '../../server/src/core/sim';
import { requireShared } from '../helpers';
import { handMatch, handTrace } from './fixtures';

describe('diagram model: fromSimulation', () => {
  const { result, trace } = handTrace();
  const model = fromSimulation(result, trace, { threads: ['collapse_huge_page', 'gup-fast'], file: 'file:///k/khugepaged.c' });

  it('has one lane per thread, the collapse thread first', () => {
    assert.deepEqual(model.lanes.map((l) => [l.label, l.short, l.role]),
      [['collapse_huge_page', 'collapse', 'collapse'], ['gup-fast', 'gup-fast', 'actor']]);
  });

  it('keeps every step in order with its lane, call and location (collapse steps only)', () => {
    assert.deepEqual(model.steps.map((s) => [s.lane, s.op]), trace.map((s) => [s.threadIndex, s.op]));
    assert.equal(model.steps[1].label, 'mmap_write_lock(mm)');
    assert.deepEqual(model.steps[1].location, { file: 'file:///k/khugepaged.c', line: 10, column: 2 });
    assert.equal(model.steps[0].location, undefined, 'actor steps have no place in the user\'s code');
  });

  it('draws lock bars per lane and keeps the notifier bracket out of them', () => {
    assert.deepEqual(model.lockBars.map((b) => [b.lane, b.lock, b.fromStep, b.toStep]), [
      [0, 'M:W', 1, 5],
      [1, 'IRQ-off', 0, 5],
      [1, 'RCU(pte mapped)', 5, 5],
    ]);
    assert.deepEqual(locksHeld(model, 0, 3), ['M:W']);
  });

  it('fills the strip rows per step, with short thread names', () => {
    const row = (key: string) => model.strip.find((r) => r.key === key)!.values;
    assert.deepEqual(row('pmd'), ['table(T0)', 'table(T0)', 'table(T0)', 'none', 'none', 'none']);
    assert.equal(row('pte')[3], 'T0 detached (hidden by collapse) [A, B]');
    assert.deepEqual(row('notifier'), ['closed', 'closed', 'open (collapse_huge_page)', 'open (collapse_huge_page)', 'closed', 'closed']
      .map((v) => v.replace('collapse_huge_page', 'collapse')));
    assert.equal(row('tlb')[0], 'no cached entries');
  });

  it('bands the trace by protocol step: before a, then a (mmap_write_lock), then b', () => {
    assert.deepEqual(model.bands.map((b) => [b.id, b.fromStep, b.toStep]), [['before-a', 0, 0], ['a', 1, 1], ['b', 2, 5]]);
    assert.equal(model.bands[2].title, 'isolate the PTE table');
  });

  it('highlights the last step with the rule it breaks', () => {
    assert.deepEqual(model.highlight, { step: 5, rule: 'GUP-FAST-SYNC', message: 'gup-fast: ptep_get_lockless: reads a PTE of a table collapse hid' });
    assert.equal(model.verdict.kind, 'violation');
    assert.match(model.verdict.text, /GUP-FAST-SYNC broken with gup-fast after 6 steps/);
  });

  it('gives lanes and a verdict but no steps for a safe result', () => {
    const safe = fromSimulation({ verdict: 'safe', statesExplored: 10, seconds: 0, violations: [] }, undefined, { threads: ['f', 'zap'] });
    assert.deepEqual([safe.steps.length, safe.lanes.length, safe.verdict.kind, safe.highlight], [0, 2, 'safe', undefined]);
  });

  it('converts a real counterexample (mainline without the GUP-fast sync) step for step', () => {
    const scenario = { program: withoutTlbSync(), actors: ['gup-fast' as const] };
    const real = simulate(scenario);
    const m = fromSimulation(real);
    assert.equal(m.steps.length, real.violations[0].trace.length);
    assert.equal(m.highlight?.rule, 'GUP-FAST-SYNC');
    assert.ok(m.bands.some((b) => b.id === 'b') && m.bands.some((b) => b.id === 'c'), JSON.stringify(m.bands.map((b) => b.id)));
    assert.ok(m.lockBars.some((b) => b.lane === 0 && b.lock === 'A:W'));
    assert.equal(JSON.parse(JSON.stringify(m)).steps.length, m.steps.length, 'the model is plain JSON');
  });
});

describe('diagram model: fromProtocolMatch', () => {
  const match = handMatch();
  const model = fromProtocolMatch(match, {
    file: 'file:///k/x.c',
    findings: [{ rule: 'TLB-FLUSH-BEFORE-ISOLATED-USE', message: 'copied before the flush', line: 30, severity: 'error' }],
  });

  it('has one lane, the function, and the matched calls in protocol order (by line within a step)', () => {
    assert.deepEqual(model.lanes.map((l) => l.label), ['collapse_mthp']);
    assert.deepEqual(model.steps.map((s) => `${s.band}:${s.op}@${s.location?.line}`),
      ['a:mmap_write_lock@8', 'a:anon_vma_lock_write@12', 'b:pmdp_collapse_flush@16', 'c:__collapse_huge_page_isolate@22', 'd:set_ptes@30', 'f:pmd_populate@40']);
  });

  it('shows a missing step as an empty band and says so in the verdict', () => {
    const e = model.bands.find((b) => b.id === 'e')!;
    assert.deepEqual([e.missing, e.fromStep, e.toStep], [true, -1, -1]);
    assert.equal(model.verdict.kind, 'incomplete-match');
    assert.match(model.verdict.text, /step e\b/);
  });

  it('draws the lock bars from locksAfter and the strip from stateAfter', () => {
    assert.deepEqual(model.lockBars.filter((b) => b.lock === 'M:W').map((b) => [b.fromStep, b.toStep]), [[0, 4]]);
    assert.deepEqual(model.lockBars.filter((b) => b.lock === 'P').map((b) => [b.fromStep, b.toStep]), [[3, 3]]);
    const row = (key: string) => model.strip.find((r) => r.key === key)!.values;
    assert.equal(row('pmd')[2], 'none (table hidden)');
    assert.equal(row('tlb')[2], 'flushed, GUP-fast synced');
    assert.equal(row('notifier')[2], 'open');
    assert.equal(row('pte')[3], 'detached, mapped');
  });

  it('highlights the finding on the call of its line', () => {
    assert.deepEqual(model.highlight, { step: 4, rule: 'TLB-FLUSH-BEFORE-ISOLATED-USE', message: 'copied before the flush' });
  });

  it('reads the protocol notation for locks and state', () => {
    assert.deepEqual(parseLocks('M:W, V, A:W'), ['M:W', 'V', 'A:W']);
    assert.deepEqual(parseLocks('∅'), []);
    assert.deepEqual(parseStateAfter('PMD none; PTE table detached; TLB flushed; notifier open; something else'),
      { pmd: 'none; something else', pte: 'detached', tlb: 'flushed', notifier: 'open' });
  });

  it('rewrites the checker\'s snapshots in protocol notation (until the match carries it)', () => {
    const snapshot = 'locks: mmap_lock:W (caller), vma:W, vma->anon_vma:W, range, pmd_ptl; stale=no, vmaExcl=held, pmd=hidden, flushed=yes, synced=no';
    assert.equal(protocolLocks(snapshot), 'M:W, V, A:W, L');
    assert.equal(protocolState(snapshot), 'PMD none (table hidden); PTE table detached; TLB flushed, GUP-fast not synced; notifier open');
    assert.equal(protocolLocks('locks: none taken here'), '∅');
  });
});

describe('diagram model: helpers', () => {
  it('classifies lock names of both notations into families', () => {
    const kinds = ['M:W', 'mmap_lock', 'V', 'Vr', 'A:R', 'vma->anon_vma', 'I:W', 'L', 'pml', 'P', 'ptl', 'RCU(pte mapped)', 'IRQ-off', 'F(A)', 'spin l']
      .map(lockKind);
    assert.deepEqual(kinds, ['mmap', 'mmap', 'vma', 'vma', 'anon', 'anon', 'immap', 'pml', 'pml', 'ptl', 'ptl', 'rcu', 'irq', 'folio', 'other']);
  });

  it('turns per-step lock snapshots into maximal bars', () => {
    const bars = lockBarsFromSnapshots([new Map([[0, ['A']]]), new Map([[0, ['A', 'B']]]), new Map([[0, ['B']]]), new Map([[0, ['A']]])]);
    assert.deepEqual(bars.map((b) => `${b.lock}${b.fromStep}-${b.toStep}`), ['A0-1', 'B1-2', 'A3-3']);
  });
});

describe('diagrams of real code', function () {
  this.timeout(60_000);
  let checker: Checker;
  let source: ReturnType<typeof cSource>;
  before(async () => {
    checker = await Checker.create();
    const path = requireShared('corpus', 'kernel', 'khugepaged-v6.12.117.c');
    const text = readFileSync(path, 'utf8');
    source = cSource('khugepaged.c', text, checker.check({ file: 'khugepaged.c', text }));
  });

  it('draws the static protocol of mainline collapse_huge_page with every step found', () => {
    const fn = source.functions.find((f) => f.name === 'collapse_huge_page')!;
    const model = staticDiagram(fn, source);
    assert.equal(model.verdict.kind, 'matched', model.verdict.text);
    assert.ok(model.steps.some((s) => s.op === 'pmdp_collapse_flush' && s.location?.file === 'khugepaged.c'));
  });

  it('simulates the extracted thread and places its steps on the file\'s lines', async () => {
    const fn = source.functions.find((f) => f.name === 'collapse_huge_page')!;
    const broken = source.text.replace(/^\ttlb_remove_table_sync_one\(\);$/m, '');
    const prepared = prepareSimulation(fn, { ...source, text: broken }, ['gup-fast'], (text, name) => checker.threadProgram('k.c', text, name));
    assert.ok(!('message' in prepared), 'message' in prepared ? prepared.message : '');
    const result = simulate(prepared.scenario, { maxSeconds: 20 });
    const model = simulationDiagram(fn, source, prepared, result);
    assert.equal(model.highlight?.rule, 'GUP-FAST-SYNC');
    const lines = source.text.split('\n');
    for (const s of model.steps.filter((x) => x.lane === 0 && x.location)) {
      assert.ok(lines[s.location!.line - 1].includes(s.op), `${s.op} is on line ${s.location!.line}`);
    }
  });
});
