// Shared test helpers: fixture paths, expected-finding markers, and the ../shared corpus location.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (tests run from out/test/...). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
export const SHARED = resolve(REPO_ROOT, '..', 'shared');

export function fixture(...parts: string[]): { path: string; text: string } {
  const path = join(FIXTURES, ...parts);
  return { path, text: readFileSync(path, 'utf8') };
}

/** `/* expect: RULE *\/` markers: the 1-based lines where a finding of RULE must start. */
export function expectedMarkers(text: string, kind: 'expect' | 'known-miss' | 'known-false' = 'expect'): { line: number; rule: string }[] {
  const out: { line: number; rule: string }[] = [];
  const marker = new RegExp(`(?<![\\w-])${kind}: ([A-Z][A-Z-]+)`, 'g');
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(marker)) out.push({ line: i + 1, rule: m[1] });
  });
  return out;
}

/**
 * The shared corpus of real kernel files and patch mails (../shared/corpus). Tests that need it fail with
 * this message when it is missing, rather than passing silently.
 */
export function requireShared(...parts: string[]): string {
  const path = join(SHARED, ...parts);
  if (!existsSync(path)) {
    throw new Error(`this test reads ${path} (the ../shared corpus beside the repository), which is absent`);
  }
  return path;
}
