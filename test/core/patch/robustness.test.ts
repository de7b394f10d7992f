// Property-style robustness: the patch layer must never throw, whatever it is fed. Inputs are the fixtures and
// (when present) the shared corpus, cut at random places, with random bytes flipped, and with random lines
// dropped or duplicated (which breaks hunk counts in every way); plus hand-made hostile inputs. Each variant
// is parsed (as bytes and as text), applied to a base, reduced to no-base post-images and run as a series.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  applyFilePatch, buildSeries, hunkPostImages, parsePatchFile, type PatchFile,
} from '../../../server/src/core/patch';
import { corpusDir, fixtureBase, fixturesDir } from './helpers';

/** mulberry32: a tiny seeded PRNG, so a failure can be replayed from the seed in its message. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes that matter to the parsers, so flips hit structure more often than random bytes would. */
const interesting = [0x00, 0x0a, 0x0d, 0x20, 0x09, 0x3e /* > */, 0x40 /* @ */, 0x2d, 0x2b, 0x5c, 0x3d, 0x2c, 0x31, 0xff, 0xc3];

function mutate(input: Buffer, random: () => number): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  switch (pick(4)) {
    case 0: // truncate
      return input.subarray(0, pick(input.length + 1));
    case 1: { // flip some bytes
      const out = Buffer.from(input);
      for (let k = 1 + pick(8); k > 0 && out.length > 0; k--) {
        out[pick(out.length)] = random() < 0.7 ? interesting[pick(interesting.length)] : pick(256);
      }
      return out;
    }
    default: { // drop or duplicate a few lines
      const lines = input.toString('latin1').split('\n');
      for (let k = 1 + pick(3); k > 0 && lines.length > 0; k--) {
        const at = pick(lines.length);
        if (random() < 0.5) lines.splice(at, 1);
        else lines.splice(at, 0, lines[at]);
      }
      return Buffer.from(lines.join('\n'), 'latin1');
    }
  }
}

function exercise(input: Buffer | string, name: string, base: string): PatchFile {
  const parsed = parsePatchFile(input, name);
  assert.ok(!parsed.problems.some((p) => p.message.startsWith('internal error')), `${name}: ${parsed.problems[0]?.message}`);
  for (const p of parsed.problems) assert.ok(Number.isInteger(p.line) && p.line >= 1, `${name}: problem line ${p.line}`);
  for (const file of parsed.messages.flatMap((m) => m.files)) {
    const result = applyFilePatch(base, file);
    assert.equal(result.lineMap.length, result.postLines.length, name);
    hunkPostImages(file);
  }
  buildSeries([parsed], () => base);
  return parsed;
}

function seeds(): { name: string; bytes: Buffer; base: string }[] {
  const demo = fixtureBase('demo.c')!;
  const inputs = readdirSync(fixturesDir)
    .filter((f) => !f.startsWith('.') && existsSync(path.join(fixturesDir, f)) && /\.(patch|diff|eml|mbox)$/.test(f))
    .map((f) => ({ name: f, bytes: readFileSync(path.join(fixturesDir, f)), base: demo }));
  const series = path.join(corpusDir, 'series');
  if (existsSync(series)) {
    const kernel = readFileSync(path.join(corpusDir, 'kernel/khugepaged-v6.12.117.c'), 'utf8');
    for (const f of readdirSync(series)) inputs.push({ name: f, bytes: readFileSync(path.join(series, f)), base: kernel });
  } else {
    console.log(`    (shared corpus not found at ${corpusDir}; fuzzing the fixtures only)`);
  }
  return inputs;
}

describe('patch layer robustness', () => {
  it('never throws on truncated, byte-flipped and line-shuffled fixtures and corpus mails', () => {
    const seed = 20250104;
    const random = prng(seed);
    let variants = 0;
    for (const { name, bytes, base } of seeds()) {
      for (let k = 0; k < 40; k++) {
        const variant = mutate(bytes, random);
        const label = `${name} variant ${k} (seed ${seed})`;
        exercise(variant, label, base);
        if (k % 4 === 0) exercise(variant.toString('utf8'), `${label} as text`, base);
        variants++;
      }
    }
    assert.ok(variants >= 400, `only ${variants} variants`);
  });

  it('never throws on hostile inputs: random bytes, NULs, a 1 MB line, huge numbers, deep nesting', () => {
    const random = prng(7);
    const randomBytes = Buffer.from(Array.from({ length: 65536 }, () => Math.floor(random() * 256)));
    const megabyte = 'x'.repeat(1 << 20);
    const inputs: [string, Buffer | string][] = [
      ['empty', ''],
      ['random bytes', randomBytes],
      ['NUL bytes', Buffer.alloc(4096)],
      ['NULs in a diff', 'diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\0b\n-\0\n+\0\0\n'],
      ['1 MB single line', megabyte],
      ['1 MB hunk line', `--- a/f\n+++ b/f\n@@ -1 +1 @@\n-${megabyte}\n+${megabyte}\n`],
      ['1 MB header line', `Subject: ${megabyte}\n\n@@ -1 +1 @@\n`],
      ['1 MB of quote marks', '>'.repeat(1 << 20) + ' @@ -1 +1 @@\n'],
      ['1 MB of newlines', '\n'.repeat(1 << 20)],
      ['many From lines', 'From x Mon Sep 17 00:00:00 2001\n\n'.repeat(5000)],
      ['huge numbers', '--- a/f\n+++ b/f\n@@ -999999999,999999999 +999999999,999999999 @@ f\n a\n-b\n+c\n'],
      ['overlong numbers', '--- a/f\n+++ b/f\n@@ -99999999999999999999 +1 @@\n a\n'],
      ['deep multipart', 'Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n' +
        '--b\nContent-Type: multipart/mixed; boundary=b\n\n'.repeat(200) + '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n'],
      ['bad encodings', 'Subject: =?utf-8?B?@@@?= =?x-unknown?Q?=ZZ?=\nContent-Type: text/plain; charset=x-unknown\n' +
        'Content-Transfer-Encoding: base64\n\n!!!not base64!!!\n====\n'],
      ['bad quoted-printable', 'Subject: x\nContent-Transfer-Encoding: quoted-printable\n\n--- a/f=\n+++ b/f=ZZ\n@@ -1 +1 @@=\n'],
      ['only headers', 'From: a\nSubject: [PATCH 1/1] x'],
      ['binary without end', 'diff --git a/f b/f\nGIT binary patch\nliteral 3\nAbc'],
      ['quoted path without end', 'diff --git "a/f b/f\n'],
      ['hunk lines without header', '+a\n-b\n c\n\\ No newline at end of file\n'],
    ];
    for (const [name, input] of inputs) {
      const started = Date.now();
      exercise(input, name, 'a\nb\nc\n');
      assert.ok(Date.now() - started < 5000, `${name} took ${Date.now() - started} ms`);
    }
  });

  it('keeps the core patch modules free of editor and third-party imports', () => {
    const dir = path.join(fixturesDir, '../../../server/src/core/patch');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      for (const m of source.matchAll(/from '([^']+)'/g)) {
        assert.ok(m[1].startsWith('./') || m[1].startsWith('../') || m[1].startsWith('node:'), `${file} imports ${m[1]}`);
        assert.ok(!/vscode/.test(m[1]), `${file} imports ${m[1]}`);
      }
    }
  });
});
