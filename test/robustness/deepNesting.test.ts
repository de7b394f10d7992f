// Deeply nested C must not cost the rest of the file. Found by this suite: the CFG builder, the expression
// lowering and the call-graph ordering recursed once per nesting level, so about 2,400 nested blocks or ifs,
// 5,700 terms of one sum or an 8,000-deep call chain threw RangeError (Maximum call stack size exceeded) out of
// CDocument.analyze(), and the whole document, or the whole patch series, lost its findings. Fixed in the core
// (cad4520: such functions get ANALYSIS-LIMIT, the call graph is ordered iteratively). These run on the main
// thread, whose stack is the language server's.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checker } from '../../server/src/core';
import { MAX_SYNTAX_DEPTH } from '../../server/src/core/parse/functions';
import { FIXTURES } from '../helpers';
import { deeplyNestedCTexts, deeplyNestedPatch } from './generators';

/** A function with one known LOCK-PAIR finding, appended after the deep one: it must still be reported. */
const LEAK = readFileSync(join(FIXTURES, 'lsp', 'lock-leak.c'), 'utf8');

describe('robustness: deep nesting', function () {
  this.timeout(60_000);
  let checker: Checker;
  before(async () => {
    // A budget, as in the server, but one a loaded machine cannot run out of: the 8,000-deep call chain alone
    // takes over a second on an idle one, and the test is about the stack, not the clock.
    checker = await Checker.create({ timeLimitMs: 20_000 });
  });

  it('analyses the rest of the file next to each kind of deep nesting', () => {
    const failures: string[] = [];
    for (const [name, text] of deeplyNestedCTexts()) {
      try {
        const result = checker.check({ file: 'deep.c', text: `${text}\n${LEAK}` });
        if (!result.findings.some((f) => f.rule === 'LOCK-PAIR' && f.function === 'count_unless_failed')) {
          failures.push(`${name}: the leak in the function after it is not reported`);
        }
      } catch (e) {
        failures.push(`${name}: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' / ') : String(e)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('skips a function exactly when its syntax is nested deeper than MAX_SYNTAX_DEPTH', () => {
    // Blocks nested k deep in a body: the innermost block's `{` token is k + 1 levels below the body.
    const tooDeep = (k: number) => checker.check({ file: 'deep.c', text: `void f(void)\n{${'{'.repeat(k)}${'}'.repeat(k)}}\n` })
      .findings.some((f) => f.rule === 'ANALYSIS-LIMIT' && f.message.includes(`nested deeper than ${MAX_SYNTAX_DEPTH} levels`));
    assert.equal(tooDeep(MAX_SYNTAX_DEPTH - 1), false);
    assert.equal(tooDeep(MAX_SYNTAX_DEPTH), true);
    assert.equal(tooDeep(3 * MAX_SYNTAX_DEPTH), true);
  });

  it('checks a patch whose hunk adds 5000 nested blocks', () => {
    assert.doesNotThrow(() => checker.series().check([{ fileName: 'deep.patch', text: deeplyNestedPatch() }], {}));
  });
});
