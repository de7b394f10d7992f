// An edit inside one function's body re-parses that function alone (server/src/core/parse/overlays.ts). What
// must hold: the result is what a whole-file parse gives (the findings and functions of a fresh check), the
// function-only path is taken only when it is sound, and every other edit re-parses the file.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Tree } from 'web-tree-sitter';
import { Checker, type CheckResult } from '../../server/src/core';
import { FunctionOverlays } from '../../server/src/core/parse/overlays';
import { loadCParser } from '../../server/src/core/parse/parser';
import { fixture, requireShared } from '../helpers';

const comparable = (r: CheckResult) => JSON.stringify({
  findings: r.findings,
  functions: r.functions.map((f) => [f.name, f.startLine, f.endLine, f.parseProblems, f.complete, f.statesVisited, f.summary]),
});

/** Types `insert` at the first occurrence of `at` (just after it) and checks the result against a fresh check. */
function typeAfter(checker: Checker, doc: ReturnType<Checker['open']>, at: string, insert: string): CheckResult {
  const text = doc.getText();
  const offset = text.indexOf(at);
  assert.ok(offset >= 0, `${at} is in the text`);
  const end = offset + at.length;
  doc.edit([{ start: end, end, newText: insert }]);
  const incremental = doc.analyze();
  assert.equal(comparable(incremental), comparable(checker.check({ file: doc.file, text: doc.getText() })), `after typing ${JSON.stringify(insert)} after ${JSON.stringify(at)}`);
  return incremental;
}

describe('re-parsing only the edited function', () => {
  let checker: Checker;
  before(async () => {
    checker = await Checker.create();
  });

  it('re-parses only the function an edit is inside, and gives what a whole-file parse gives', () => {
    const f = fixture('lsp', 'lock-leak.c');
    const doc = checker.open(f.path, `${f.text}\nstatic void after(void)\n{\n\tspin_lock(&l);\n}\n`);
    assert.equal(doc.analyze().reparsed, 'file');
    assert.equal(doc.analyze().reparsed, 'none');
    // A statement typed into the leak's function, then a lock leaked in the last function: each parsed alone.
    assert.equal(typeAfter(checker, doc, 'count_unless_failed', '').reparsed, 'file'); // no change at all
    const body = doc.getText().indexOf('{', doc.getText().indexOf('count_unless_failed')) + 1;
    doc.edit([{ start: body, end: body, newText: '\n\tint unused = 0;' }]);
    const typed = doc.analyze();
    assert.equal(typed.reparsed, 'function');
    assert.equal(comparable(typed), comparable(checker.check({ file: f.path, text: doc.getText() })));
    assert.equal(typeAfter(checker, doc, 'spin_lock(&l);', '\n\tspin_lock(&m);').reparsed, 'function');
    doc.dispose();
  });

  it('re-parses the file when an edit changes where functions end, or is not inside one body', () => {
    const text = 'static void a(void)\n{\n\tspin_lock(&l);\n\tspin_unlock(&l);\n}\n\nstatic void b(void)\n{\n\tspin_lock(&l);\n}\n';
    const cases: [string, string][] = [
      ['spin_lock(&l);', '\n\tif (x) {'], // a block left open: a() now swallows b()
      ['spin_lock(&l);', '\n}\nint y;'], // a() closed early
      ['static void a(void)', ' '], // the header, not the body
      ['spin_unlock(&l);\n}', '\n\nstatic void c(void)\n{\n}'], // between two functions
    ];
    for (const [at, insert] of cases) {
      const doc = checker.open('edges.c', text);
      doc.analyze();
      assert.equal(typeAfter(checker, doc, at, insert).reparsed, 'file', `typing ${JSON.stringify(insert)} after ${JSON.stringify(at)}`);
      doc.dispose();
    }
    // An edit across the edge of two functions' bodies, in one change.
    const doc = checker.open('edges.c', text);
    doc.analyze();
    const from = text.indexOf('spin_unlock');
    doc.edit([{ start: from, end: text.indexOf('spin_lock', from + 20), newText: '' }]);
    const merged = doc.analyze();
    assert.equal(merged.reparsed, 'file');
    assert.equal(comparable(merged), comparable(checker.check({ file: 'edges.c', text: doc.getText() })));
    doc.dispose();
  });

  it('re-parses the file when an edit opens a comment, which parsed alone would read as operators', () => {
    // Parsed alone, `atomic_/*read(...)` is a division by a dereference, and the function looks whole; in the
    // file, the comment runs on to the `*/` after b() and swallows both functions.
    const text = 'static int a(struct mm_struct *mm)\n{\n\treturn atomic_read(&mm->users) == 0;\n}\n\n'
      + 'static void b(void)\n{\n\tspin_lock(&l);\n}\n/* the end */\n';
    const doc = checker.open('comment.c', text);
    doc.analyze();
    const typed = typeAfter(checker, doc, 'return atomic_', '/*');
    assert.equal(typed.reparsed, 'file');
    assert.deepEqual(typed.functions.map((f) => f.name), []);
    doc.dispose();
  });

  it('parses nothing for an edit inside a comment that stays one comment', () => {
    const text = '/**\n * a() - takes and drops l.\n */\nstatic void a(void)\n{\n\t/* the lock */\n\tspin_lock(&l); // held\n\tspin_unlock(&l);\n}\n\n'
      + 'static void b(void)\n{\n\tspin_lock(&l);\n}\n';
    const doc = checker.open('comments.c', text);
    doc.analyze();
    const steps: [string, string, string][] = [
      [' * a()', ' and more words', 'none'], // a kernel-doc comment between functions
      ['/* the', ' whole', 'none'], // a block comment in a body
      ['// he', 'x', 'none'], // a line comment
      ['/* the', ' */ x = 1; /*', 'function'], // closes the comment: code now
      ['// hexld', '\n\tspin_lock(&m);', 'function'], // after the line comment: code
      [' * a()', '*/', 'file'], // closes the kernel-doc comment early
    ];
    const paths = steps.map(([at, insert]) => typeAfter(checker, doc, at, insert).reparsed);
    assert.deepEqual(paths, steps.map(([, , path]) => path));
    doc.dispose();
  });

  it('keeps the re-parsed functions in place while other functions are edited, and after a whole-file parse', () => {
    const text = ['a', 'b', 'c'].map((n) => `static void ${n}(void)\n{\n\tspin_lock(&l_${n});\n\tspin_unlock(&l_${n});\n}\n`).join('\n');
    const doc = checker.open('three.c', text);
    doc.analyze();
    const steps: [string, string][] = [
      ['spin_lock(&l_c);', '\n\tspin_lock(&m);'], ['spin_lock(&l_a);', '\n\t\n\tx = 1;'], ['spin_lock(&l_b);', ' '],
      ['spin_lock(&l_c);', '\n\tspin_unlock(&m);'], ['spin_lock(&l_a);', '\n\tif (y) {'], ['spin_lock(&l_b);', '\n\tspin_lock(&n);'],
    ];
    const paths = steps.map(([at, insert]) => typeAfter(checker, doc, at, insert).reparsed);
    assert.deepEqual(paths, ['function', 'function', 'function', 'function', 'file', 'file']);
    doc.dispose();
  });

  it('parses each function of the real kernel files alone into the subtree the whole file has', async function () {
    const { parser } = await loadCParser();
    for (const name of ['khugepaged-v6.1.192.c', 'khugepaged-v6.12.117.c', 'khugepaged-v7.2.13.c']) {
      const text = readFileSync(requireShared('corpus', 'kernel', name), 'utf8');
      const read = (i: number) => text.slice(i);
      const whole = parser.parse(read) as Tree;
      const functions = whole.rootNode.descendantsOfType('function_definition').filter((n) => n !== null);
      const differing: string[] = [];
      let alone = 0;
      for (const fn of functions) {
        const body = fn.childForFieldName('body');
        if (!body || body.endIndex - body.startIndex < 3) continue;
        const overlays = new FunctionOverlays(parser, read);
        // No edit at all: the function parsed alone must be the same subtree.
        if (overlays.reparse(whole, { start: body.startIndex + 1, end: body.startIndex + 1 })) {
          alone++;
          const node = overlays.functions().get(fn.startIndex);
          if (node?.toString() !== fn.toString()) differing.push(`${name}:${fn.startPosition.row + 1}`);
        }
        overlays.clear();
      }
      whole.delete();
      assert.deepEqual(differing, []);
      assert.ok(alone > 30, `${name}: ${alone} functions parsed alone`);
    }
  });
});
