// A kernel tree's headers as the lock API: what include/linux/*.h functions do to their callers' locks is read
// from the tree (Checker.summariesOf(), `check --kernel-tree`), not listed by hand.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checker } from '../../server/src/core';
import { REPO_ROOT } from '../helpers';

const HEADER = [
  'static inline void inode_lock(struct inode *inode)', '{', '\tdown_write(&inode->i_rwsem);', '}', '',
  'static inline void inode_unlock(struct inode *inode)', '{', '\tup_write(&inode->i_rwsem);', '}', '',
  'static inline int inode_trylock(struct inode *inode)', '{', '\treturn down_write_trylock(&inode->i_rwsem);', '}', '',
  // The effect depends on a flag of the argument: callers cannot follow it.
  'static inline void release_fault_lock(struct vm_fault *vmf)', '{', '\tif (vmf->flags & FAULT_FLAG_VMA_LOCK)',
  '\t\tvma_end_read(vmf->vma);', '\telse', '\t\tmmap_read_unlock(vmf->vma->vm_mm);', '}', '',
  // Defined once per configuration, differently.
  '#ifdef CONFIG_A', 'static inline void obj_lock(struct obj *o)', '{', '\tspin_lock(&o->lock);', '}',
  '#else', 'static inline void obj_lock(struct obj *o)', '{', '}', '#endif', '',
].join('\n');

const USER = [
  'int leak(struct inode *inode, int e)', '{', '\tinode_lock(inode);', '\tif (e)', '\t\treturn -EINVAL;', '\tinode_unlock(inode);', '\treturn 0;', '}', '',
  'int fixed_try(struct inode *inode)', '{', '\tif (!inode_trylock(inode))', '\t\treturn -EAGAIN;', '\tinode_unlock(inode);', '\treturn 0;', '}', '',
].join('\n');

describe('the lock wrappers of a kernel tree\'s headers', () => {
  it('are read as what their callers can follow: unconditional or told by the result, one definition', async () => {
    const summaries = (await Checker.create()).summariesOf([{ file: 'include/linux/fs.h', text: HEADER }]);
    assert.deepEqual([...summaries.keys()].sort(), ['inode_lock', 'inode_trylock', 'inode_unlock']);
  });

  it('make a leak through a wrapper a finding, and a trylock wrapper a conditional acquire', async () => {
    const externalSummaries = (await Checker.create()).summariesOf([{ file: 'include/linux/fs.h', text: HEADER }]);
    const found = (await Checker.create({ externalSummaries })).check({ file: 'user.c', text: USER }).findings;
    assert.deepEqual(found.map((f) => [f.function, f.line, f.rule]), [['leak', 3, 'LOCK-PAIR']]);
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
    assert.deepEqual((JSON.parse(after.stdout) as { findings: { line: number; rule: string }[] }).findings.map((f) => [f.line, f.rule]), [[3, 'LOCK-PAIR']]);
  });
});
