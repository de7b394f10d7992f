// The protocol rules (../shared/PROTOCOL.md §7) on their fixtures: test/fixtures/protocol/<ID>.c, or
// <ID>.<what>.c for a second file of the same rule (a file-level property such as the protocol variant differs).
// Each fixture has violating functions and fixed ones (their names contain "fixed"); a `/* expect: RULE */`
// comment marks the line where a finding of RULE must start (for a requirement a same-file helper could not
// decide, the line of the helper's call in the caller).
//
// - the findings of the fixture's rule family are exactly the marked ones;
// - a finding of another rule is allowed only where it is marked, and a marked one must be found;
// - a fixed function has no finding at all.
//
// A failing case here is a place where the checker disagrees with the fixture: fix the checker, not the fixture.
//
// Known gaps are pinned, not hidden: `/* known-miss: RULE */` marks a violation the checker does not find yet
// and `/* known-false: RULE */` a finding it wrongly makes. Both are asserted as they are today (the miss is not
// reported, the false finding is), so fixing the checker fails this test until the marker becomes `expect:` or
// is removed. Each is described in the Limits section of docs/rules/<RULE>.md.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Checker, RULES, type Finding } from '../../server/src/core';
import { detectVariant } from '../../server/src/core/analysis';
import { FIXTURES, REPO_ROOT, expectedMarkers, fixture } from '../helpers';

/** Rules whose findings come together (one broken precondition, several rule IDs at the same call). */
const FAMILIES: string[][] = [
  ['TLB-FLUSH-BEFORE-ISOLATED-USE', 'GUP-FAST-SYNC', 'REFCOUNT-CHECK-AFTER-UNREACHABLE', 'COPY-AFTER-UNREACHABLE'],
];

/** Rules with a page but no protocol fixture: about the input or the analysis, or found by the simulator only. */
const NOT_PROTOCOL_FIXTURES = new Set(['ANALYSIS-LIMIT', 'PATCH-INPUT', 'MM-COUNTERS']);

function familyOf(rule: string): Set<string> {
  return new Set(FAMILIES.find((f) => f.includes(rule)) ?? [rule]);
}

const DIR = join(FIXTURES, 'protocol');
const files = readdirSync(DIR).filter((f) => f.endsWith('.c')).sort();
const ruleOfFile = (name: string) => name.slice(0, name.indexOf('.'));

const key = (x: { line: number; rule: string }) => `${x.line}:${x.rule}`;
const show = (f: Finding) => `${f.line}:${f.rule} in ${f.function}: ${f.message}`;

describe('protocol rules on fixtures (expected findings marked in the source)', () => {
  let checker: Checker;
  before(async () => {
    checker = await Checker.create();
  });

  it('every rule in RULES has a page under docs/rules/', () => {
    const missing = Object.keys(RULES).filter((r) => !existsSync(join(REPO_ROOT, 'docs', 'rules', `${r}.md`)));
    assert.deepEqual(missing, []);
  });

  it('every protocol rule has a fixture, and every fixture names a rule', () => {
    const withFixture = new Set(files.map(ruleOfFile));
    const missing = Object.keys(RULES).filter((r) => !NOT_PROTOCOL_FIXTURES.has(r) && !withFixture.has(r));
    assert.deepEqual(missing, []);
    const unknown = [...withFixture].filter((r) => !(r in RULES));
    assert.deepEqual(unknown, []);
  });

  it('checks against the protocol variant it is told to use when the text does not show it', async () => {
    // The hunk-without-its-base case: nothing in the text says mTHP, so 'auto' checks it as mainline and misses
    // the v5 unlock while the table is hidden (the known-miss of the fixture); the option names the protocol.
    const f = fixture('protocol', 'HIDDEN-TABLE-RMAP-EXCLUSION.no-variant-marker.c');
    const [miss] = expectedMarkers(f.text, 'known-miss');
    const told = await Checker.create({ protocolVariant: 'merged-mthp' });
    const result = told.check({ file: f.path, text: f.text });
    assert.equal(result.variant, 'merged-mthp');
    assert.ok(result.findings.some((x) => key(x) === key(miss)), result.findings.map(show).join('\n'));
    assert.equal(checker.check({ file: f.path, text: f.text }).variant, 'mainline');
  });

  it('tells the protocol variant from whole identifiers in the text', () => {
    const cases: [string, string][] = [
      ['if (!is_pmd_order(order))', 'merged-mthp'], ['max = collapse_max_ptes_none(order);', 'merged-mthp'],
      ['return mthp_collapse(mm, address);', 'merged-mthp'], ['vma_collapse_anon_folio(vma, addr);', 'proposed-mthp'],
      // Only at the start of an identifier: these name something else.
      ['if (!this_is_pmd_order(order))', 'mainline'], ['count = nr_mthp_pages;', 'mainline'], ['int x;', 'mainline'],
    ];
    assert.deepEqual(cases.map(([text]) => [text, detectVariant(text)]), cases);
  });

  for (const name of files) {
    const rule = ruleOfFile(name);
    const family = familyOf(rule);
    describe(name, () => {
      let findings: Finding[];
      let markers: { line: number; rule: string }[];
      let knownMisses: { line: number; rule: string }[];
      let knownFalse: { line: number; rule: string }[];
      let text: string;
      before(() => {
        const f = fixture('protocol', name);
        text = f.text;
        findings = checker.check({ file: f.path, text }).findings;
        markers = expectedMarkers(text);
        knownMisses = expectedMarkers(text, 'known-miss');
        knownFalse = expectedMarkers(text, 'known-false');
      });

      it('has a marked violation of its rule and a fixed function', () => {
        assert.ok([...markers, ...knownMisses].some((m) => m.rule === rule), `no /* expect: ${rule} */ marker`);
        assert.match(text, /^static [^(]*\bfixed\w*\(/m, 'no function whose name contains "fixed"');
      });

      it(`reports exactly the marked findings of ${[...family].join(', ')}`, () => {
        const found = findings.filter((f) => family.has(f.rule)).map(key).sort();
        const expected = [...markers, ...knownFalse].filter((m) => family.has(m.rule)).map(key).sort();
        const missing = expected.filter((e) => !found.includes(e));
        const extra = findings.filter((f) => family.has(f.rule) && !expected.includes(key(f))).map(show);
        assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
      });

      it('reports other rules only where marked', () => {
        const expected = [...markers, ...knownFalse].filter((m) => !family.has(m.rule)).map(key);
        const found = findings.filter((f) => !family.has(f.rule));
        const missing = expected.filter((e) => !found.some((f) => key(f) === e));
        const extra = found.filter((f) => !expected.includes(key(f))).map(show);
        assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
      });

      it('reports nothing in the fixed functions (beyond the known false findings)', () => {
        const pinned = new Set(knownFalse.map(key));
        const inFixed = findings.filter((f) => /fixed/.test(f.function) && !pinned.has(key(f))).map(show);
        assert.deepEqual(inFixed, []);
      });

      it('still has its known gaps (a fixed gap: turn its known-miss into expect, drop its known-false)', () => {
        const nowFound = knownMisses.filter((m) => findings.some((f) => key(f) === key(m))).map(key);
        const goneFalse = knownFalse.filter((m) => !findings.some((f) => key(f) === key(m))).map(key);
        assert.deepEqual({ nowFound, goneFalse }, { nowFound: [], goneFalse: [] });
      });
    });
  }
});
