// Fuzz cases for the C side: parsing, function extraction, CFG building and the checker, driven through the
// public API the server uses (Checker.open → CDocument.edit → analyze), plus the properties every result must
// have whatever the input.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, type CDocument, type Checker, type CheckResult, type TextEdit } from '../../server/src/core';
import { FIXTURES, requireShared } from '../helpers';
import { hostileCTexts, mutateText, prng } from './generators';
import type { FuzzCase } from './plans';

export const KERNEL_FILES = ['khugepaged-v6.1.192.c', 'khugepaged-v6.12.117.c', 'khugepaged-v7.2.13.c'];

export function kernelText(name: string): string {
  return readFileSync(requireShared('corpus', 'kernel', name), 'utf8');
}

/** The single edit an editor would send to turn `before` into `after`: everything between the common ends. */
export function editBetween(before: string, after: string): TextEdit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, end: before.length - tail, newText: after.slice(start, after.length - tail) };
}

const SEVERITIES = new Set(['error', 'warning', 'info']);

/** What every analysis result must satisfy: known rules, positions inside the text, ordered functions. */
export function assertWellFormed(result: CheckResult, text: string, label: string): void {
  // tree-sitter counts rows by '\n' only.
  const lines = text.split('\n').length;
  assert.ok(Number.isFinite(result.parseMs) && result.parseMs >= 0, `${label}: parseMs ${result.parseMs}`);
  assert.ok(Number.isFinite(result.analyzeMs) && result.analyzeMs >= 0, `${label}: analyzeMs ${result.analyzeMs}`);
  let previousStart = 0;
  for (const f of result.functions) {
    assert.ok(f.startLine >= 1 && f.startLine <= f.endLine && f.endLine <= lines, `${label}: function ${f.name} at ${f.startLine}-${f.endLine} of ${lines}`);
    assert.ok(f.startLine >= previousStart, `${label}: functions out of order at ${f.name}`);
    previousStart = f.startLine;
  }
  for (const d of result.findings) {
    const where = `${label}: ${d.rule} at ${d.line}:${d.column}-${d.endLine}:${d.endColumn} of ${lines} lines`;
    assert.ok(d.rule in RULES, `${where}: unknown rule`);
    assert.ok(SEVERITIES.has(d.severity), `${where}: severity ${d.severity}`);
    assert.ok(d.line >= 1 && d.line <= d.endLine && d.endLine <= lines, where);
    assert.ok(d.column >= 1 && (d.line < d.endLine || d.endColumn >= d.column), where);
    assert.ok(typeof d.message === 'string' && d.message.length > 0, `${where}: empty message`);
    for (const r of d.related.filter((x) => !x.file)) {
      assert.ok(r.line >= 1 && r.line <= r.endLine && r.endLine <= lines, `${where}: related at ${r.line}-${r.endLine}`);
    }
  }
}

/** Applies one mutation as an edit to the open document, checks the text stayed in step, analyses. */
function mutationCase(doc: CDocument, label: string, mutate: (text: string) => string): FuzzCase {
  return {
    label,
    run: () => {
      const before = doc.getText();
      const after = mutate(before);
      doc.edit([editBetween(before, after)]);
      assert.equal(doc.getText(), after, `${label}: the document's text after the edit`);
      assertWellFormed(doc.analyze(), after, label);
    },
  };
}

/**
 * Each kernel file is opened once and mutated edit after edit (the mutations compound, as a user's edits do),
 * going back to the original text now and then: the incremental paths (tree.edit, per-function cache, moved
 * findings) see every kind of change. Every fifth text is also checked from scratch.
 */
export function* cMutationCases(checker: Checker, seed: number, perFile: number): Generator<FuzzCase> {
  const random = prng(seed);
  for (const name of KERNEL_FILES) {
    const original = kernelText(name);
    const doc = checker.open(name, original);
    yield { label: `${name} as is`, run: () => assertWellFormed(doc.analyze(), original, name) };
    for (let i = 0; i < perFile; i++) {
      const label = `${name} edit ${i} (seed ${seed})`;
      if (i % 8 === 7) {
        yield mutationCase(doc, `${label}: back to the original`, () => original);
        continue;
      }
      let mutation = '';
      yield mutationCase(doc, label, (text) => {
        const m = mutateText(text, random);
        mutation = m.mutation;
        return m.text;
      });
      if (i % 5 === 0) {
        yield {
          label: `${label} (${mutation}) from scratch`,
          run: () => assertWellFormed(checker.check({ file: name, text: doc.getText() }), doc.getText(), label),
        };
      }
    }
    doc.dispose();
  }
}

/** Texts whose findings carry many line references: the C fixtures, and slices of the kernel files. */
function incrementalSeeds(seed: number, sliceLines: number): { name: string; text: string }[] {
  const random = prng(seed);
  const fixtures = readdirSync(join(FIXTURES, 'c')).filter((f) => f.endsWith('.c'))
    .map((f) => ({ name: f, text: readFileSync(join(FIXTURES, 'c', f), 'utf8') }));
  const slices = KERNEL_FILES.map((name) => {
    const lines = kernelText(name).split('\n');
    const start = random.int(Math.max(1, lines.length - sliceLines));
    return { name: `${name} lines ${start + 1}-${start + sliceLines}`, text: lines.slice(start, start + sliceLines).join('\n') };
  });
  return [...fixtures, ...slices];
}

/** Line numbers inside messages ("(line 19)") are compared by the dedicated test of the stale-line bug. */
const withoutMessageLines = (r: CheckResult) => JSON.stringify({
  findings: r.findings.map((f) => ({ ...f, message: f.message.replace(/\d+/g, 'N') })),
  functions: r.functions.map((f) => [f.name, f.startLine, f.endLine, f.complete]),
});

/**
 * The property behind incremental analysis: after any sequence of edits, analysing the kept document gives
 * what a fresh analysis of the same text gives. Edits rotate between random mutations, inserted or deleted
 * lines (which move the functions below them) and inserted blanks and comments (which change the layout of a
 * function only, mostly): the cases the per-function cache has to get right.
 */
export function* incrementalEqualsScratchCases(checker: Checker, seed: number, edits: number, sliceLines: number): Generator<FuzzCase> {
  const random = prng(seed);
  for (const { name, text } of incrementalSeeds(seed, sliceLines)) {
    const doc = checker.open(name, text);
    doc.analyze();
    for (let i = 0; i < edits; i++) {
      yield {
        label: `${name} edit ${i} (seed ${seed})`,
        run: () => {
          const before = doc.getText();
          const at = random.int(before.length + 1);
          const after = i % 3 === 0 ? mutateText(before, random).text
            : i % 3 === 1 ? (random.chance(0.5) ? before.slice(0, at) + '\n'.repeat(1 + random.int(3)) + before.slice(at)
              : before.slice(0, at) + before.slice(at).replace('\n', ''))
              // Mostly layout edits, whose functions keep their cached results (moved) unless the blank or
              // comment lands inside a token, a literal or a comment.
              : before.slice(0, at) + random.pick([' ', '\t', '/* c */', ' // c\n']) + before.slice(at);
          doc.edit([editBetween(before, after)]);
          const incremental = doc.analyze();
          const scratch = checker.check({ file: name, text: after });
          assert.equal(withoutMessageLines(incremental), withoutMessageLines(scratch), `${name} edit ${i}: incremental differs from scratch`);
          if (random.chance(0.3)) {
            // Undone, and done again: the results of two runs before stand (see FileAnalyzer.olderCache).
            doc.edit([editBetween(after, before)]);
            assert.equal(withoutMessageLines(doc.analyze()), withoutMessageLines(checker.check({ file: name, text: before })), `${name} edit ${i} undone`);
            doc.edit([editBetween(before, after)]);
            assert.equal(withoutMessageLines(doc.analyze()), withoutMessageLines(scratch), `${name} edit ${i} redone`);
          }
        },
      };
    }
    doc.dispose();
  }
}

/** What a user types, a keystroke (or a completed token) at a time: code, and what opens or closes a construct. */
const KEYSTROKES = ['x', '_', '1', ' ', '\n', '\t', ';', ',', '(', ')', '{', '}', '"', '&', '/*', '*/', '// c', '#if 0\n', '#endif\n',
  'spin_lock(&l);', 'goto out;', 'return 0;', 'if (!pmd) {'];

/**
 * Typing into the real kernel files as a user does: one keystroke or token at a time, mostly inside function
 * bodies (such an edit re-parses only its function: parse/overlays.ts), sometimes deleting a few characters,
 * sometimes leaving a block, a string, a comment or an `#if` open; every third text is also checked fresh and
 * must give the same findings (line numbers in messages and fix titles included) and functions.
 */
export function* typingEqualsScratchCases(checker: Checker, seed: number, perFile: number): Generator<FuzzCase> {
  const random = prng(seed);
  const comparable = (r: CheckResult) => JSON.stringify({
    findings: r.findings, functions: r.functions.map((f) => [f.name, f.startLine, f.endLine, f.parseProblems, f.complete]),
  });
  for (const name of KERNEL_FILES) {
    const doc = checker.open(name, kernelText(name));
    let functions = doc.analyze().functions;
    for (let i = 0; i < perFile; i++) {
      yield {
        label: `${name} keystroke ${i} (seed ${seed})`,
        run: () => {
          const text = doc.getText();
          const lineStarts = [0];
          for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
          // A line inside a function (nine times in ten), else anywhere; a column inside that line.
          const f = functions.length > 0 && !random.chance(0.1) ? random.pick(functions) : undefined;
          const row = f ? f.startLine + random.int(Math.max(1, f.endLine - f.startLine - 1)) : random.int(lineStarts.length);
          const lineStart = lineStarts[Math.min(row, lineStarts.length - 1)];
          const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
          const at = lineStart + random.int(lineEnd - lineStart + 1);
          const end = random.chance(0.15) ? Math.min(text.length, at + 1 + random.int(8)) : at;
          doc.edit([{ start: at, end, newText: random.chance(0.1) ? '' : random.pick(KEYSTROKES) }]);
          const result = doc.analyze();
          functions = result.functions;
          if (i % 3 === 2) {
            assert.equal(comparable(result), comparable(checker.check({ file: name, text: doc.getText() })), `${name} keystroke ${i}: incremental differs from scratch`);
          }
        },
      };
    }
    doc.dispose();
  }
}

/** Texts at least this long are only checked one-shot: typing them in costs the same again and adds nothing. */
const LONGEST_EDIT = 300_000;

/** Hostile texts, each checked one-shot and (if not huge) typed into an open document as one edit. */
export function* cHostileCases(checker: Checker, only?: string[]): Generator<FuzzCase> {
  const host = checker.open('host.c', 'int x;\n');
  for (const [name, text] of hostileCTexts().filter(([n]) => !only || only.includes(n))) {
    yield { label: `${name} (one-shot)`, run: () => assertWellFormed(checker.check({ file: 'hostile.c', text }), text, name) };
    if (text.length < LONGEST_EDIT) yield mutationCase(host, `${name} (as an edit)`, () => text);
  }
  host.dispose();
}
