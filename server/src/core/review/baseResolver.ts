// Where the pre-series text of a patched file comes from, best first (issue: base resolution):
//   (a) the `index <pre>..<post>` blob id of the first patch touching the file, looked up with `git cat-file`
//       in a kernel git tree — the exact pre-image;
//   (b) the file at the same path in that tree, or a file given explicitly (`--base [PATH=]FILE`), applied to
//       with offset and fuzz like patch(1);
//   (c) nothing: the caller analyses each hunk's post-image alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BaseProvider, PatchFile } from '../patch';

export interface BaseOptions {
  /** A kernel source tree, ideally a git checkout. */
  kernelTree?: string;
  /**
   * Explicit base files: repository path → file. The key '*' means "the patched C file this is the base of":
   * it applies to every path with the same file name, or to the only C file the series patches.
   */
  baseFiles?: Map<string, string>;
}

export type BaseSource = 'blob' | 'tree' | 'base-file' | 'none';

export interface ResolvedBase {
  provider: BaseProvider;
  /** How each path's base was found, for reports. */
  sources: Map<string, BaseSource>;
}

export function resolveBases(patchFiles: PatchFile[], options: BaseOptions): ResolvedBase {
  const firstBlob = new Map<string, string>();
  const cPaths = new Set<string>();
  for (const pf of patchFiles) {
    for (const m of pf.messages) {
      for (const f of m.files) {
        const path = f.oldPath ?? f.newPath;
        if (!path) continue;
        if (f.oldBlob && !firstBlob.has(path) && !/^0+$/.test(f.oldBlob)) firstBlob.set(path, f.oldBlob);
        if (/\.[ch]$/.test(path)) cPaths.add(path);
      }
    }
  }
  const sources = new Map<string, BaseSource>();
  const provider: BaseProvider = (path) => {
    const found = lookUp(path, firstBlob.get(path), cPaths, options);
    sources.set(path, found?.source ?? 'none');
    return found?.text;
  };
  return { provider, sources };
}

function lookUp(path: string, blob: string | undefined, cPaths: Set<string>, options: BaseOptions):
  { text: string; source: BaseSource } | undefined {
  const tree = options.kernelTree;
  if (tree && blob && isGitTree(tree)) {
    const text = gitCatFile(tree, blob);
    if (text !== undefined) return { text, source: 'blob' };
  }
  const explicit = options.baseFiles?.get(path) ?? wildcardBase(path, cPaths, options.baseFiles);
  if (explicit && existsSync(explicit)) return { text: readFileSync(explicit, 'utf8'), source: 'base-file' };
  if (tree) {
    const file = join(tree, path);
    if (existsSync(file) && statSync(file).isFile()) return { text: readFileSync(file, 'utf8'), source: 'tree' };
  }
  return undefined;
}

function wildcardBase(path: string, cPaths: Set<string>, baseFiles: Map<string, string> | undefined): string | undefined {
  const file = baseFiles?.get('*');
  if (!file || !/\.[ch]$/.test(path)) return undefined;
  const stem = (p: string) => basename(p).replace(/[-_.]v?\d[\w.-]*(?=\.[ch]$)/, '');
  if (stem(file) === basename(path)) return file;
  return cPaths.size === 1 ? file : undefined;
}

function isGitTree(dir: string): boolean {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--git-dir'], { stdio: ['ignore', 'pipe', 'ignore'] }).length > 0;
  } catch {
    return false;
  }
}

/** The blob's text, or undefined when the tree does not have it (an abbreviated id is fine). */
function gitCatFile(dir: string, blob: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, 'cat-file', 'blob', blob], {
      encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}
