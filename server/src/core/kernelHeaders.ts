// A kernel tree's include/linux/*.h as the lock API of the code under review: the headers define the kernel's
// lock wrappers (include/linux/fs.h:inode_lock(), include/linux/memcontrol.h:unlock_page_lruvec()…), so what
// they do to their callers' locks is read from the tree the code belongs to, not listed by hand.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The headers of `tree`'s include/linux that mention a lock, or undefined when the tree has no such folder. */
export function kernelHeaderInputs(tree: string): { file: string; text: string }[] | undefined {
  const dir = join(tree, 'include', 'linux');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  return readdirSync(dir).filter((f) => f.endsWith('.h')).sort().flatMap((f) => {
    const file = join(dir, f);
    if (!statSync(file).isFile()) return [];
    const text = readFileSync(file, 'utf8');
    return /lock|rcu_read|mmap_/.test(text) ? [{ file, text }] : [];
  });
}
