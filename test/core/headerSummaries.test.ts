// A kernel tree's headers as the lock API: what include/linux/*.h functions do to their callers' locks is read
// from the tree (Checker.summariesOf(), `check --kernel-tree`), not listed by hand.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checker } from '../../server/src/core';
import { FIXTURES, REPO_ROOT } from '../helpers';

const TREE = join(FIXTURES, 'kernel-tree');
const HEADER = readFileSync(join(TREE, 'include', 'linux', 'fs.h'), 'utf8');
const USER = readFileSync(join(TREE, 'mm', 'user.c'), 'utf8');
/** The line of `leak()`'s inode_lock() in mm/user.c. */
const LEAK_LINE = USER.split('\n').indexOf('\tinode_lock(inode);') + 1;

describe('the lock wrappers of a kernel tree\'s headers', () => {
  it('are the functions of DIR/include/linux/*.h that callers can follow: unconditional or told by the result, one definition', async () => {
    const summaries = (await Checker.create()).summariesOfKernelTree(TREE);
    assert.deepEqual([...summaries?.keys() ?? []].sort(), ['inode_lock', 'inode_trylock', 'inode_unlock']);
    assert.equal((await Checker.create()).summariesOfKernelTree(join(TREE, 'mm')), undefined, 'no include/linux there');
  });

  it('make a leak through a wrapper a finding, and a trylock wrapper a conditional acquire', async () => {
    const externalSummaries = (await Checker.create()).summariesOf([{ file: 'include/linux/fs.h', text: HEADER }]);
    const found = (await Checker.create({ externalSummaries })).check({ file: 'user.c', text: USER }).findings;
    assert.deepEqual(found.map((f) => [f.function, f.line, f.rule]), [['leak', LEAK_LINE, 'LOCK-PAIR']]);
    const without = (await Checker.create()).check({ file: 'user.c', text: USER }).findings;
    assert.deepEqual(without, [], 'an unknown call leaves the lock alone');
  });

  it('come from --kernel-tree DIR/include/linux in the CLI', () => {
    const tree = mkdtempSync(join(tmpdir(), 'mm-review-tree-'));
    writeFileSync(join(tree, 'user.c'), USER);
    const run = () => spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', '--kernel-tree', tree, join(tree, 'user.c')], { encoding: 'utf8' });
    const before = run();
    assert.equal(before.status, 0, before.stderr);
    mkdirSync(join(tree, 'include', 'linux'), { recursive: true });
    writeFileSync(join(tree, 'include', 'linux', 'fs.h'), HEADER);
    const after = run();
    assert.equal(after.status, 1, after.stderr);
    assert.deepEqual((JSON.parse(after.stdout) as { findings: { line: number; rule: string }[] }).findings.map((f) => [f.line, f.rule]), [[LEAK_LINE, 'LOCK-PAIR']]);
  });
});
