// What an edit does not make the analysis redo. A function whose layout alone changed (a blank typed before a
// ';', an indent, a comment edited) is not interpreted again: its cached results are moved
// (server/src/core/moves.ts). These tests pin both halves: the layout key tells code changes from layout
// changes, and the moved results equal a fresh analysis in every field, positions, line numbers quoted in
// messages, fixes and hover call sites included. And an undone edit re-uses the results of before the edit.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Checker, type CDocument, type CheckResult } from '../../server/src/core';
import { relaidOut } from '../../server/src/core/moves';
import { codeLayout } from '../../server/src/core/parse/layout';
import { FIXTURES, fixture } from '../helpers';

describe('incremental re-use', () => {
  describe('codeLayout', () => {
    const same = (a: string, b: string) => assert.equal(codeLayout(a), codeLayout(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    const differ = (a: string, b: string) => assert.notEqual(codeLayout(a), codeLayout(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);

    it('reads blanks next to brackets, semicolons and commas, indents and comments as nothing', () => {
      same('\tspin_lock(ptl);', 'spin_lock( ptl ) ;');
      same('f(a, b);', 'f(a,b);');
      same('x = 1; /* why */', 'x = 1;');
      same('x = 1; // why', 'x = 1;');
      same('x  =\t1;', 'x = 1;');
      same('if (a)\n\tb();', 'if(a)\n    b();');
    });

    it('keeps every token, literal and line break', () => {
      differ('a = b;', 'a=b;'); // conservative: a miss of the cache, never a wrong hit
      differ('a - -b;', 'a--b;');
      differ('unsigned long x;', 'unsignedlong x;');
      differ('pr_info("a ;");', 'pr_info("a;");');
      differ('s = "/* not a comment */";', 's = "";');
      differ("c = ' ';", "c = '';");
      differ('a();\nb();', 'a(); b();');
      differ('/* one\nline */ a();', '/* one line */ a();');
      differ('spin_lock(ptl);', 'spin_lock(pt);');
    });

    it('stops an unterminated literal at the line break', () => {
      assert.equal(codeLayout('x = "abc\ny;'), 'x = "abc\ny;');
    });

    it('keeps an unterminated block comment as code, as tree-sitter reads the tokens after it', () => {
      const differ = (a: string, b: string) => assert.notEqual(codeLayout(a), codeLayout(b), `${a} vs ${b}`);
      differ('f(struct thing /**t)\n{\n\tspin_lock(&l);', 'f(struct thing /**t)\n{\n\tspin_lock(&m);');
      assert.equal(codeLayout('a(); /* closed */ b();'), 'a();b();');
    });
  });

  describe('relaidOut', () => {
    it('pairs every token character, and puts a position between tokens with the token its range starts or ends at', () => {
      // spin_lock(l) and its ';' are 10 columns in, rows 10-11; the new text starts two rows lower.
      const move = relaidOut('f(l);\ng();', { row: 10, column: 10 }, 'f( l ) /* x */;\n\tg();', { row: 12, column: 10 });
      assert.deepEqual(move.position({ row: 10, column: 10 }, 'start'), { row: 12, column: 10 }); // 'f'
      assert.deepEqual(move.position({ row: 10, column: 14 }, 'end'), { row: 12, column: 16 }); // after ')'
      assert.deepEqual(move.position({ row: 10, column: 14 }, 'start'), { row: 12, column: 24 }); // ';'
      assert.deepEqual(move.position({ row: 11, column: 0 }, 'start'), { row: 13, column: 1 }); // 'g'
      assert.equal(move.row(11), 13);
      assert.throws(() => relaidOut('a=b;', { row: 0, column: 0 }, 'a = b;', { row: 0, column: 0 }), /layouts differ/);
    });
  });

  describe('re-use of cached results', () => {
    const files = [
      ...readdirSync(join(FIXTURES, 'c')).filter((f) => f.endsWith('.c')).map((f) => ['c', f]),
      ...readdirSync(join(FIXTURES, 'protocol')).filter((f) => f.endsWith('.c')).map((f) => ['protocol', f]),
      ['lsp', 'lock-leak.c'], ['lsp', 'collapse-protocol.c'],
    ];
    /** Everything an editor shows, without the timings and the cache flags. */
    const shown = (r: CheckResult) => JSON.stringify({
      findings: r.findings,
      functions: r.functions.map(({ cached: _c, ...f }) => f),
    });
    /** The document's last result equals a fresh analysis of its text. */
    const assertAsFresh = (checker: Checker, doc: CDocument, result: CheckResult, what?: string) =>
      assert.equal(shown(result), shown(checker.check({ file: doc.file, text: doc.getText() })), what);
    /** Layout edits at every statement end and opening parenthesis of the text: a blank, a comment, a tab. */
    const layoutEdits = (text: string) => {
      const out: { at: number; insert: string }[] = [];
      for (let i = text.indexOf(';'); i !== -1; i = text.indexOf(';', i + 1)) out.push({ at: i, insert: out.length % 2 ? ' ' : '\t/* x */ ' });
      for (let i = text.indexOf('('); i !== -1; i = text.indexOf('(', i + 1)) out.push({ at: i + 1, insert: ' ' });
      return out;
    };

    it('moves findings, fixes and call sites exactly as a fresh analysis places them, without interpreting again', async function () {
      this.timeout(60_000);
      const checker = await Checker.create();
      let edits = 0;
      let withFindings = 0;
      for (const [dir, name] of files) {
        const { text } = fixture(dir, name);
        const doc = checker.open(name, text);
        const first = doc.analyze();
        if (first.findings.length > 0) withFindings++;
        // Every fourth site, so the test stays quick; each edit is made and then undone.
        for (const { at, insert } of layoutEdits(text).filter((_e, i) => i % 4 === 0)) {
          doc.edit([{ start: at, end: at, newText: insert }]);
          const moved = doc.analyze();
          assert.deepEqual(moved.functions.filter((f) => !f.cached).map((f) => f.name), [], `${name}: '${insert}' at ${at} re-interpreted a function`);
          assertAsFresh(checker, doc, moved, `${name}: '${insert}' at ${at}`);
          doc.edit([{ start: at, end: at + insert.length, newText: '' }]);
          assert.equal(shown(doc.analyze()), shown(first), `${name}: undoing '${insert}' at ${at}`);
          edits++;
        }
        doc.dispose();
      }
      assert.ok(edits > 100 && withFindings > 20, `${edits} edits in ${files.length} files, ${withFindings} with findings`);
    });

    it('drops every cached result when an edit elsewhere changes the file\'s protocol settings', async () => {
      // Without a version and no per-VMA lock call anywhere, the file may predate per-VMA locks: clearing the PMD
      // without one is a warning; one call in another function makes it an error in the unchanged first function.
      const checker = await Checker.create();
      const { text } = fixture('protocol', 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS.c');
      const cut = text.indexOf('/* Only the mmap read lock');
      const first = text.slice(0, cut).replace('/* expect: PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS */', '');
      const doc = checker.open('scope.c', first);
      const rule = (r: CheckResult) => r.findings.filter((f) => f.rule === 'PMD-CLEAR-NEEDS-ALL-WALKER-LOCKS').map((f) => `${f.function} ${f.severity}`);
      assert.deepEqual(rule(doc.analyze()), ['clear_without_vma_lock warning']);
      const other = '\nstatic void other(struct vm_area_struct *vma)\n{\n\tvma_start_write(vma);\n}\n';
      doc.edit([{ start: first.length, end: first.length, newText: other }]);
      const edited = doc.analyze();
      assert.deepEqual(rule(edited), ['clear_without_vma_lock error']);
      assertAsFresh(checker, doc, edited);
      doc.dispose();
    });

    it('re-uses every result of before an edit when the edit is undone, callers of a changed summary included', async () => {
      const checker = await Checker.create();
      const text = [
        'static void helper(spinlock_t *ptl)', '{', '\tspin_lock(ptl);', '}', '',
        'void caller(spinlock_t *ptl)', '{', '\thelper(ptl);', '\tspin_unlock(ptl);', '}', '',
      ].join('\n');
      const doc = checker.open('undo.c', text);
      const original = doc.analyze();
      const at = text.indexOf('spin_lock(ptl)') + 'spin_lock(pt'.length;
      doc.edit([{ start: at, end: at, newText: 'x' }]); // spin_lock(ptxl): the helper no longer takes the caller's lock
      const edited = doc.analyze();
      assert.deepEqual(edited.functions.filter((f) => !f.cached).map((f) => f.name), ['helper', 'caller']);
      assert.notEqual(shown(edited), shown(original), 'the edit changes the findings');
      doc.edit([{ start: at, end: at + 1, newText: '' }]);
      const undone = doc.analyze();
      assert.deepEqual(undone.functions.filter((f) => !f.cached).map((f) => f.name), []);
      assert.equal(shown(undone), shown(original));
      // Redo: the edited text again, also from the results of two runs before.
      doc.edit([{ start: at, end: at, newText: 'x' }]);
      const redone = doc.analyze();
      assert.deepEqual(redone.functions.filter((f) => !f.cached).map((f) => f.name), []);
      assert.equal(shown(redone), shown(edited));
      doc.dispose();
    });

    it('keeps a callee\'s summary for a call context until its code or its own callees\' summaries change', async () => {
      // top() passes *locked == true (as khugepaged passes &mmap_locked), so mid() gets a summary for that
      // context: it calls deep(), which takes the lock.
      const checker = await Checker.create();
      const text = [
        'static void deep(spinlock_t *l)', '{', '\tspin_lock(l);', '}', '',
        'static void mid(spinlock_t *l, bool *locked)', '{', '\tif (*locked)', '\t\tdeep(l);', '}', '',
        'void top(spinlock_t *l)', '{', '\tbool locked = true;', '', '\tmid(l, &locked);', '\tif (locked)', '\t\tspin_unlock(l);', '}', '',
      ].join('\n');
      const doc = checker.open('contexts.c', text);
      const first = doc.analyze();
      assert.ok(first.contextInterpretations >= 1, 'mid() is summarised for top()\'s context');
      assert.deepEqual(first.findings, []);
      // Code that changes nothing deep() means to its callers: deep() is interpreted again, mid()'s context is not.
      const body = text.indexOf('spin_lock(l);');
      doc.edit([{ start: body, end: body, newText: 'cpu_relax(); ' }]); // on the same line: nothing moves
      const same = doc.analyze();
      assert.deepEqual(same.functions.filter((f) => !f.cached).map((f) => f.name), ['deep']);
      assert.equal(same.contextInterpretations, 0);
      // deep() releases the lock instead: mid()'s summary for the context is made again, and top() now
      // releases a lock that is no longer held.
      const lock = doc.getText().indexOf('spin_lock(l);');
      doc.edit([{ start: lock, end: lock + 'spin_lock'.length, newText: 'spin_unlock' }]);
      const changed = doc.analyze();
      assert.ok(changed.contextInterpretations >= 1);
      assert.ok(changed.findings.some((f) => f.function === 'top'), JSON.stringify(changed.findings));
      assertAsFresh(checker, doc, changed);
      doc.dispose();
    });

    it('keeps a static function\'s findings under its callers\' contexts while it and its callees\' summaries stay', async () => {
      // top() passes *locked == true: mid() is summarised for it, and its own leak of m is checked under it.
      const checker = await Checker.create();
      const text = [
        'static void deep(spinlock_t *l)', '{', '\tspin_lock(l);', '}', '',
        'static void mid(spinlock_t *l, spinlock_t *m, bool *locked)', '{', '\tif (*locked)', '\t\tdeep(l);',
        '\tspin_lock(m);', '\tif (busy(m))', '\t\treturn;', '\tspin_unlock(m);', '}', '',
        'void top(spinlock_t *l, spinlock_t *m)', '{', '\tbool locked = true;', '', '\tmid(l, m, &locked);', '\tif (locked)', '\t\tspin_unlock(l);', '}', '',
      ].join('\n');
      const doc = checker.open('caller-contexts.c', text);
      const first = doc.analyze();
      assert.equal(first.contextInterpretations, 2, 'mid()\'s summary and its findings for top()\'s context');
      assert.deepEqual(first.findings.map((f) => [f.function, f.line]), [['mid', 10]]);
      // An edit of top() that passes the same values: both are kept.
      const inTop = text.indexOf('\t\tspin_unlock(l);');
      doc.edit([{ start: inTop, end: inTop, newText: 'cpu_relax(); ' }]);
      const kept = doc.analyze();
      assert.deepEqual(kept.functions.filter((f) => !f.cached).map((f) => f.name), ['top']);
      assert.equal(kept.contextInterpretations, 0);
      assertAsFresh(checker, doc, kept);
      // An edit of mid() on the same line: made again.
      const inMid = doc.getText().indexOf('spin_lock(m);');
      doc.edit([{ start: inMid, end: inMid, newText: 'cpu_relax(); ' }]);
      const remade = doc.analyze();
      assert.equal(remade.contextInterpretations, 2);
      assertAsFresh(checker, doc, remade);
      doc.dispose();
    });

    it('moves the callee lines that the summaries of functions which stayed pass on', async () => {
      // caller() passes on helper()'s requirements, quoting "pmd_clear() at line 13"; a blank line above helper()
      // moves helper() only.
      const checker = await Checker.create();
      const text = [
        'void top(struct mm_struct *mm, pmd_t *pmd)', '{', '\tcaller(mm, pmd);', '}', '',
        'static void caller(struct mm_struct *mm, pmd_t *pmd)', '{', '\thelper(mm, pmd);', '}', '',
        'static void helper(struct mm_struct *mm, pmd_t *pmd)', '{', '\tpmd_clear(pmd);', '}', '',
      ].join('\n');
      const doc = checker.open('pass-on.c', text);
      const via = (r: CheckResult) => r.functions.find((f) => f.name === 'caller')?.summary?.requires[0]?.via;
      assert.equal(via(doc.analyze()), 'helper() (pmd_clear() at line 13)');
      const at = text.indexOf('static void helper');
      doc.edit([{ start: at, end: at, newText: '\n' }]);
      const moved = doc.analyze();
      assert.deepEqual(moved.functions.filter((f) => !f.cached).map((f) => f.name), []);
      assert.equal(via(moved), 'helper() (pmd_clear() at line 14)');
      assertAsFresh(checker, doc, moved);
      doc.dispose();
    });

    it('interprets a function again when a token changed', async () => {
      const checker = await Checker.create();
      const { text } = fixture('lsp', 'lock-leak.c');
      const doc = checker.open('lock-leak.c', text);
      doc.analyze();
      const at = text.indexOf('spin_lock(') + 'spin_lock('.length;
      doc.edit([{ start: at, end: at, newText: 'x' }]);
      const edited = doc.analyze();
      assert.ok(edited.functions.some((f) => !f.cached), 'a renamed lock re-interprets its function');
      assertAsFresh(checker, doc, edited);
      doc.dispose();
    });

    it('interprets a caller again when a name it calls becomes a function of the file', async () => {
      // caller() is unchanged, but its call of take() now has a summary (take() returns holding l): a result
      // made while take() was not a function here (its definition misspelt, or hidden by a parse error) is
      // stale. Found by typing into the kernel files at random and comparing with fresh checks.
      const checker = await Checker.create();
      const text = 'static DEFINE_SPINLOCK(l);\n\nstatic void takex(void)\n{\n\tspin_lock(&l);\n}\n\nvoid caller(void)\n{\n\ttake();\n}\n';
      const doc = checker.open('appears.c', text);
      const callerSummary = (r: ReturnType<typeof doc.analyze>) => JSON.stringify(r.functions.find((f) => f.name === 'caller')?.summary?.outcomes.map((o) => o.effects));
      assert.equal(callerSummary(doc.analyze()), undefined);
      const at = text.indexOf('takex') + 'take'.length;
      doc.edit([{ start: at, end: at + 1, newText: '' }]);
      const edited = doc.analyze();
      assert.deepEqual(edited.functions.filter((f) => !f.cached).map((f) => f.name), ['take', 'caller']);
      assert.equal(callerSummary(edited), JSON.stringify([[{ op: 'acquire', family: 'spin', identity: 'l' }]]), 'caller() returns holding l, as take() does');
      assertAsFresh(checker, doc, edited);
      doc.dispose();
    });
  });
});
