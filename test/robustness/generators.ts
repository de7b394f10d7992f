// Seeded input generators for the robustness suites: a tiny PRNG (so a failure replays from the seed printed
// with it), mutations of real inputs, and hand-made hostile texts. No fast-check: the mutations that matter
// here are few and specific to C and to patches.

/** mulberry32: 32-bit state, good enough to spread mutations; the same seed gives the same inputs. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** Characters that carry structure in C, so that flips break syntax more often than random characters would. */
const C_STRUCTURE = ['{', '}', '(', ')', ';', '\n', '"', "'", '/*', '*/', '//', '#', '\\', ',', '&', '*', ' ', '\0', '\ud800', 'goto', 'if', 'else'];

/** Bytes that carry structure in patches and mails. */
const PATCH_STRUCTURE = ['@', '-', '+', ' ', '\n', '\r', '>', '\\', ',', '0', '9', '\0', '\ufffd', '\ud800', '@@ ', 'diff --git ', 'From '];

export type Mutation = 'truncate' | 'flip' | 'drop-lines' | 'duplicate-lines' | 'swap-lines' | 'insert-structure' | 'delete-range';

const MUTATIONS: Mutation[] = ['truncate', 'flip', 'drop-lines', 'duplicate-lines', 'swap-lines', 'insert-structure', 'delete-range'];

/** One random mutation of a text; `structure` is the vocabulary that insertions and flips draw from. */
export function mutateText(text: string, random: Random, structure: readonly string[] = C_STRUCTURE): { text: string; mutation: Mutation } {
  const mutation = random.pick(MUTATIONS);
  const at = () => random.int(text.length + 1);
  switch (mutation) {
    case 'truncate':
      return { mutation, text: text.slice(0, at()) };
    case 'flip': {
      const chars = text.split('');
      for (let k = 1 + random.int(16); k > 0 && chars.length > 0; k--) {
        chars[random.int(chars.length)] = random.chance(0.7) ? random.pick(structure) : String.fromCharCode(random.int(0x3000));
      }
      return { mutation, text: chars.join('') };
    }
    case 'insert-structure': {
      let out = text;
      for (let k = 1 + random.int(8); k > 0; k--) {
        const p = random.int(out.length + 1);
        out = out.slice(0, p) + random.pick(structure) + out.slice(p);
      }
      return { mutation, text: out };
    }
    case 'delete-range': {
      const start = at();
      return { mutation, text: text.slice(0, start) + text.slice(Math.min(text.length, start + 1 + random.int(2000))) };
    }
    default: {
      const lines = text.split('\n');
      for (let k = 1 + random.int(6); k > 0 && lines.length > 1; k--) {
        const i = random.int(lines.length);
        if (mutation === 'drop-lines') lines.splice(i, 1);
        else if (mutation === 'duplicate-lines') lines.splice(i, 0, lines[i]);
        else {
          const j = random.int(lines.length);
          [lines[i], lines[j]] = [lines[j], lines[i]];
        }
      }
      return { mutation, text: lines.join('\n') };
    }
  }
}

export function mutatePatch(text: string, random: Random): { text: string; mutation: Mutation | 'hunk-header' } {
  if (random.chance(0.3)) return { mutation: 'hunk-header', text: corruptHunkHeaders(text, random) };
  return mutateText(text, random, PATCH_STRUCTURE);
}

/**
 * Rewrites some `@@ -a,b +c,d @@` headers with wrong, huge, negative, missing or non-numeric counts: the
 * hunk bodies then disagree with their headers in every direction.
 */
export function corruptHunkHeaders(text: string, random: Random): string {
  const bad = ['0', '-1', '99999999', '4294967297', '', 'x', '1,', ',', '00', '1e3', '-0'];
  return text.replace(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm, (header) => {
    if (!random.chance(0.5)) return header;
    const n = () => (random.chance(0.5) ? random.pick(bad) : String(random.int(400)));
    return random.pick([
      `@@ -${n()},${n()} +${n()},${n()} @@`,
      `@@ -${n()} +${n()} @@`,
      '@@ @@',
      '@@ -1,3',
      `@@@ -${n()},${n()} -${n()},${n()} +${n()},${n()} @@@`,
    ]);
  });
}

/** Bytes as a mail client might mangle them: random bytes spliced in, which are invalid UTF-8 most of the time. */
export function withInvalidUtf8(bytes: Uint8Array, random: Random): Buffer {
  const out = Buffer.from(bytes);
  for (let k = 1 + random.int(32); k > 0 && out.length > 0; k--) out[random.int(out.length)] = random.pick([0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xf0, 0xf8, 0xfe, 0xff]);
  return out;
}

/** A C function with `branches` independent conditional locks: 2^branches lock states, the interpreter's worst case. */
export function conditionalLocksFunction(name: string, branches: number): string {
  const params = Array.from({ length: branches }, (_, i) => `int c${i}`).join(', ');
  const lock = Array.from({ length: branches }, (_, i) => `\tif (c${i})\n\t\tspin_lock(&l${i});\n`).join('');
  const unlock = Array.from({ length: branches }, (_, i) => `\tif (c${i})\n\t\tspin_unlock(&l${i});\n`).join('');
  return `static void ${name}(${params})\n{\n${lock}${unlock}}\n`;
}

/** A document of `functions` such functions (f0, f1, …): seconds of analysis without limits. */
export function pathologicalC(functions: number, branches = 17): string {
  return Array.from({ length: functions }, (_, i) => conditionalLocksFunction(`f${i}`, branches)).join('\n');
}

/**
 * Deeply nested C, 5000 levels: a recursive walk over the syntax tree overflows the stack on these
 * (deepNesting.test.ts).
 */
export function deeplyNestedCTexts(depth = 5000): [string, string][] {
  const body = 'spin_lock(&l);\n\tspin_unlock(&l);\n';
  return [
    [`${depth} nested braces in a function`, `void f(void)\n{\n${'{'.repeat(depth)}${body}${'}'.repeat(depth)}\n}\n`],
    [`${depth} nested ifs with a lock`, `void f(int c)\n{\n${'if (c) '.repeat(depth)}spin_lock(&l);\n\tspin_unlock(&l);\n}\n`],
    [`${depth} nested if blocks`, `void f(int c)\n{\n${'if (c) {\n'.repeat(depth)}${body}${'}\n'.repeat(depth)}}\n`],
    [`${depth} nested parentheses`, `int f(void)\n{\n\treturn ${'('.repeat(depth)}1${')'.repeat(depth)};\n}\n`],
    [`${depth} nested loops with goto`, `void f(int c)\n{\n${'while (c) {\n'.repeat(depth)}spin_lock(&l);\n\tgoto out;\n${'}\n'.repeat(depth)}out:\n\tspin_unlock(&l);\n}\n`],
    [`${depth} chained else-ifs`, `void f(int c)\n{\n\tif (c == 0) spin_lock(&l);\n${Array.from({ length: depth }, (_, i) => `\telse if (c == ${i + 1}) spin_lock(&l);\n`).join('')}\tspin_unlock(&l);\n}\n`],
    [`a sum of ${2 * depth} terms`, `int f(int c)\n{\n\treturn ${Array.from({ length: 2 * depth }, () => 'c').join(' + ')};\n}\n`],
    // Not nesting in one function but in the call graph: c0() calls c1() … calls c7999().
    [`a ${Math.round(1.6 * depth)}-deep call chain`, callChain(Math.round(1.6 * depth))],
  ];
}

/** Hostile C texts (name → text) that are not deep nesting: huge, empty, binary, unbalanced, recursive. */
export function hostileCTexts(): [string, string][] {
  const depth = 5000;
  return [
    ['empty', ''],
    [`${depth} unbalanced open braces`, `void f(void)\n{\n${'{\n'.repeat(depth)}`],
    [`${depth} unbalanced close braces`, `void f(void)\n{\n${'}\n'.repeat(depth)}`],
    ['a 1 MB single line', `void f(void) { ${'spin_lock(&l); spin_unlock(&l); '.repeat(32 * 1024)} }`],
    ['a 1 MB line of one identifier', 'x'.repeat(1 << 20)],
    ['a 200k-line file', Array.from({ length: 200_000 / 5 }, (_, i) => `void f${i}(void)\n{\n\tspin_lock(&l);\n\tspin_unlock(&l);\n}`).join('\n')],
    ['200k empty lines', '\n'.repeat(200_000)],
    ['NUL bytes', '\0'.repeat(65536)],
    ['NUL bytes inside a function', 'void f(void)\n{\n\tspin_lock(&l);\0\0\n\tspin_\0unlock(&l);\n}\n'],
    ['lone surrogates', 'void f(void)\n{\n\tspin_lock(&\ud800l);\n\t/* \udc00 */ spin_unlock(&l);\n}\n'],
    ['invalid UTF-8 decoded as replacement characters', Buffer.from([0x76, 0x6f, 0x69, 0x64, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x7b, 0x7d]).toString('utf8')],
    ['random characters', randomText(prng(5), 200_000)],
    ['CR-only line ends', 'void f(void)\r{\r\tspin_lock(&l);\r}\r'],
    ['1000 labels and gotos', `void f(int c)\n{\n\tspin_lock(&l);\n${Array.from({ length: 1000 }, (_, i) => `\tif (c == ${i}) goto l${(i * 7919) % 1000};\n`).join('')}${Array.from({ length: 1000 }, (_, i) => `l${i}:\n\tc++;\n`).join('')}\tspin_unlock(&l);\n}\n`],
    ['mutual recursion of 500 functions', Array.from({ length: 500 }, (_, i) => `static void r${i}(void)\n{\n\tspin_lock(&l);\n\tr${(i + 1) % 500}();\n\tspin_unlock(&l);\n}\n`).join('')],
    ['a 4000-deep call chain', callChain(4000)],
    ['1000 functions with the same name', Array.from({ length: 1000 }, (_, i) => `void f(void)\n{\n\tspin_lock(&l${i});\n}\n`).join('')],
    ['preprocessor soup', '#define X(a) a##a\n#if 1\nvoid f(void) {\n#else\nvoid g(void) {\n#endif\n\tX(spin_lock)(&l);\n}\n'],
  ];
}

function callChain(length: number): string {
  return Array.from({ length }, (_, i) => `static void c${i}(void)\n{\n\t${i === length - 1 ? 'spin_lock(&l)' : `c${i + 1}()`};\n}\n`).join('');
}

/** Random UTF-16 text, biased towards ASCII and C punctuation. */
export function randomText(random: Random, length: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    out.push(random.chance(0.8) ? String.fromCharCode(32 + random.int(95)) : random.chance(0.5) ? '\n' : String.fromCharCode(random.int(0x10000)));
  }
  return out.join('');
}

/** A patch whose hunk adds a function with `depth` nested blocks (deepNesting.test.ts). */
export function deeplyNestedPatch(depth = 5000): string {
  return 'diff --git a/mm/khugepaged.c b/mm/khugepaged.c\n--- a/mm/khugepaged.c\n+++ b/mm/khugepaged.c\n' +
    `@@ -1,0 +1,3 @@\n+void f(void)\n+{\n+${'{'.repeat(depth)}spin_lock(&l);${'}'.repeat(depth)}}\n`;
}

/** Hostile patch texts. */
export function hostilePatchTexts(): [string, string | Buffer][] {
  const megabyte = 'x'.repeat(1 << 20);
  const hunk = (body: string) => `diff --git a/mm/khugepaged.c b/mm/khugepaged.c\n--- a/mm/khugepaged.c\n+++ b/mm/khugepaged.c\n${body}`;
  return [
    ['empty', ''],
    ['NUL bytes', Buffer.alloc(65536)],
    ['a 1 MB added line', hunk(`@@ -1,1 +1,1 @@\n-a\n+${megabyte}\n`)],
    ['200k added lines', hunk(`@@ -0,0 +1,200000 @@\n${'+\tspin_lock(&l);\n'.repeat(200_000)}`)],
    ['huge hunk counts', hunk('@@ -999999999,999999999 +999999999,999999999 @@\n a\n-b\n+c\n')],
    ['negative and empty counts', hunk('@@ --1,-1 +,-0 @@\n a\n')],
    ['hunks out of order and overlapping', hunk('@@ -50,2 +50,2 @@\n-a\n+b\n c\n@@ -10,3 +10,3 @@\n-a\n+b\n c\n d\n@@ -11,1 +11,1 @@\n-x\n+y\n')],
    ['invalid UTF-8 in a hunk', Buffer.concat([Buffer.from(hunk('@@ -1,1 +1,1 @@\n-a\n+')), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x0a])])],
    ['lone surrogates', hunk('@@ -1,1 +1,1 @@\n-a\n+\ud800spin_lock(&l);\udc00\n')],
    ['2000 files in one patch', Array.from({ length: 2000 }, (_, i) => `diff --git a/f${i}.c b/f${i}.c\n--- a/f${i}.c\n+++ b/f${i}.c\n@@ -1 +1 @@\n-a\n+b\n`).join('')],
    ['a mail with 1000 quoted levels', `Subject: Re: [PATCH 1/1] x\n\n${'>'.repeat(1000)} @@ -1 +1 @@\n${'>'.repeat(1000)} -a\n`],
  ];
}
