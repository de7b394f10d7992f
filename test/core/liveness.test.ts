// Dead locals (check/liveness.ts): the interpreter forgets what a path knows about a variable no later
// statement reads, so a loop's scratch variable does not multiply the states.
import * as assert from 'node:assert/strict';
import { Checker } from '../../server/src/core';
import { buildCfg } from '../../server/src/core/cfg/build';
import type { FunctionCfg } from '../../server/src/core/cfg/types';
import { deadLocalsAt } from '../../server/src/core/check/liveness';
import { findFunctions } from '../../server/src/core/parse/functions';
import { loadCParser } from '../../server/src/core/parse/parser';

async function cfgOf(text: string, name: string): Promise<FunctionCfg> {
  const parser = await loadCParser();
  const site = findFunctions(parser.parser.parse(text)!, parser).find((s) => s.name === name)!;
  return buildCfg(site.node, site.name, site.params);
}

/** The nodes whose events mention `text`, and what is dead on entry to each. */
function deadAround(cfg: FunctionCfg, text: string): ReadonlySet<string>[] {
  const dead = deadLocalsAt(cfg);
  return cfg.nodes.filter((n) => JSON.stringify(n.events).includes(text)).map((n) => dead[n.id]);
}

// A callee with many results and a caller that switches on one of them in a loop, as mthp_collapse() does
// with collapse_huge_page(). With `readAfter`, ret is read once more after the loop, so it is live round it;
// with `escape`, its address is taken first, so it is never called dead.
const scan = (readAfter: boolean, escape = false) => `
static int try_one(int i)
{
	if (i == 1) return SCAN_A;
	if (i == 2) return SCAN_B;
	if (i == 3) return SCAN_C;
	if (i == 4) return SCAN_D;
	if (i == 5) return SCAN_E;
	return SCAN_F;
}

static int scan(int n)
{
	int i = 0, ret = SCAN_F, last = SCAN_F;
${escape ? '\n\ttrace(&ret);' : ''}
	spin_lock(&l);
	while (i < n) {
		ret = try_one(i);
		switch (ret) {
		case SCAN_A:
			i++;
			continue;
		case SCAN_B:
		case SCAN_C:
		case SCAN_D:
			last = ret;
			break;
		default:
			goto done;
		}
		if (should_flush(i))
			flush(i);
		if (should_flush(i + 1))
			flush(i + 1);
		if (should_flush(i + 2))
			flush(i + 2);
		i += 2;
	}
done:
	spin_unlock(&l);${readAfter ? '\n\tif (ret == SCAN_E)\n\t\tlast = SCAN_A;' : ''}
	return last;
}
`;

describe('dead locals', () => {
  it('a variable written before every read is dead before the write, live after it', async () => {
    const cfg = await cfgOf(scan(false), 'scan');
    for (const dead of deadAround(cfg, 'try_one')) assert.ok(dead.has('ret'), 'ret is dead where try_one() writes it');
    const switchTests = cfg.nodes.filter((n) => n.condition && JSON.stringify(n.condition).includes('"name":"ret"'));
    assert.ok(switchTests.length > 0);
    for (const n of switchTests) assert.ok(!deadLocalsAt(cfg)[n.id].has('ret'), 'ret is live where the switch reads it');
    for (const n of cfg.nodes) assert.ok(!deadLocalsAt(cfg)[n.id].has('n'), 'a parameter is never called dead');
  });

  it('a variable read after a loop is live at its head, and dead there when nothing reads it', async () => {
    const loopHead = (cfg: FunctionCfg) => cfg.nodes.find((n) => n.condition && JSON.stringify(n.condition).includes('"op":"<"'))!;
    const live = await cfgOf(scan(true), 'scan');
    assert.ok(!deadLocalsAt(live)[loopHead(live).id].has('ret'));
    const dead = await cfgOf(scan(false), 'scan');
    assert.ok(deadLocalsAt(dead)[loopHead(dead).id].has('ret'));
  });

  it('a local whose address is taken is never dead', async () => {
    const cfg = await cfgOf(`
void f(void)
{
	int locked = 1;
	take(&locked);
	locked = 0;
	g();
}
`, 'f');
    assert.ok(deadLocalsAt(cfg).every((dead) => !dead.has('locked')));
  });

  it('keeps the states of a loop from multiplying by the values of a dead variable, with the same findings', async () => {
    const checker = await Checker.create();
    const states = (text: string) => {
      const result = checker.check({ file: 'scan.c', text });
      assert.deepEqual(result.findings, []);
      return result.functions.find((f) => f.name === 'scan')!.statesVisited;
    };
    // The same loop, once with ret dead after it and once with its address taken (so it is kept): try_one()'s
    // six results reach the loop head only in the second.
    const pruned = states(scan(false));
    const kept = states(scan(false, true));
    assert.ok(pruned < 0.9 * kept, `ret dead: ${pruned} states; ret kept: ${kept}`);
  });
});
