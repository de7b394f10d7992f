// mm-review command line: `mm-review check [--format text|json|sarif] PATH...`.
// Exit status: 0 without error-level findings, 1 with, 2 when the input cannot be used (the message says why).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Checker, PATCH_EXTENSIONS, PROTOCOL_VARIANTS, parseKernelVersion, versionFromMakefile, compareFindings, type Finding, type ProtocolVariant, type SeriesCheckResult } from './core';
import { formatJson, formatSarif, formatText, type OutputFormat } from './cli/format';
import { report } from './cli/report';
import { SIMULATE_USAGE, SimulateUsageError, simulateCommand } from './cli/simulate';

const VERSION = '0.1.0';
const C_EXTENSIONS = new Set(['.c', '.h']);

const USAGE = `usage: mm-review check [--format text|json|sarif] [--base [REPO/PATH=]FILE]... [--kernel-tree DIR]
                       [--protocol auto|mainline|proposed-mthp|merged-mthp] [--kernel-version X.Y] PATH...

Checks kernel C files (directories are searched for .c and .h files) and patch series (.patch, .diff, .mbx,
.mbox, .eml: all patch files given form one series, in k/N order) against the khugepaged collapse locking
protocol and prints the findings; patch findings are reported on the patch files' own lines.

  --base FILE            the pre-series text of the patched C file (e.g. a kernel's mm/khugepaged.c)
  --base PATH=FILE       the same for the repository path PATH (repeatable)
  --kernel-tree DIR      a kernel tree: its git objects give exact pre-images (index lines), its files bases,
                         its include/linux/*.h the lock wrappers (inode_lock(), unlock_page_lruvec()...)
  --protocol VARIANT     the collapse protocol to check against (default auto: chosen per file from its text)
  --kernel-version X.Y   the kernel the code is of (default: the Makefile of --kernel-tree); decides the
                         version-dependent rules, which otherwise apply as warnings that say so

Exit status: 0 no error-level finding, 1 error-level findings, 2 unusable input.`;

class UsageError extends Error {}

interface CheckArgs {
  format: OutputFormat;
  paths: string[];
  baseFiles: Map<string, string>;
  kernelTree?: string;
  protocolVariant: ProtocolVariant | 'auto';
  kernelVersion?: string;
}

function parseCheckArgs(argv: string[]): CheckArgs {
  const args: CheckArgs = { format: 'text', paths: [], baseFiles: new Map(), protocolVariant: 'auto' };
  const value = (a: string, i: number): [string, number] => {
    if (a.includes('=') && a.startsWith('--') && a.indexOf('=') < a.length) return [a.slice(a.indexOf('=') + 1), i];
    if (argv[i + 1] === undefined) throw new UsageError(`${a} needs a value`);
    return [argv[i + 1], i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const flag = a.split('=')[0];
    if (flag === '--format') {
      const [v, next] = value(a, i);
      i = next;
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`unknown format '${v}'`);
      args.format = v;
    } else if (flag === '--base') {
      const [v, next] = value(a, i);
      i = next;
      const eq = v.indexOf('=');
      const [repoPath, file] = eq > 0 ? [v.slice(0, eq), v.slice(eq + 1)] : ['*', v];
      if (!existsSync(file)) throw new UsageError(`--base: cannot read '${file}'`);
      args.baseFiles.set(repoPath, file);
    } else if (flag === '--kernel-tree') {
      const [v, next] = value(a, i);
      i = next;
      if (!existsSync(v) || !statSync(v).isDirectory()) throw new UsageError(`--kernel-tree: '${v}' is not a directory`);
      args.kernelTree = v;
    } else if (flag === '--protocol') {
      const [v, next] = value(a, i);
      i = next;
      if (v !== 'auto' && !(PROTOCOL_VARIANTS as readonly string[]).includes(v)) {
        throw new UsageError(`--protocol: unknown variant '${v}' (auto, ${PROTOCOL_VARIANTS.join(', ')})`);
      }
      args.protocolVariant = v as ProtocolVariant | 'auto';
    } else if (flag === '--kernel-version') {
      const [v, next] = value(a, i);
      i = next;
      if (!parseKernelVersion(v)) throw new UsageError(`--kernel-version: '${v}' is not a kernel version such as 6.12`);
      args.kernelVersion = v;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option '${a}'`);
    } else {
      args.paths.push(a);
    }
  }
  if (args.paths.length === 0) throw new UsageError('no PATH given');
  if (!args.kernelVersion && args.kernelTree && existsSync(join(args.kernelTree, 'Makefile'))) {
    args.kernelVersion = versionFromMakefile(readFileSync(join(args.kernelTree, 'Makefile'), 'utf8'));
  }
  return args;
}

function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new UsageError(`cannot read '${p}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        const child = join(p, name);
        if (statSync(child).isDirectory() || C_EXTENSIONS.has(extname(name))) files.push(...expandPaths([child]));
      }
    } else if (C_EXTENSIONS.has(extname(p)) || PATCH_EXTENSIONS.includes(extname(p))) {
      files.push(p);
    } else {
      throw new UsageError(`'${p}' is neither a C file (.c, .h) nor a patch (${PATCH_EXTENSIONS.join(', ')})`);
    }
  }
  return files;
}

async function check(argv: string[]): Promise<number> {
  const args = parseCheckArgs(argv);
  const files = expandPaths(args.paths);
  const externalSummaries = args.kernelTree
    ? (await Checker.create({ kernelVersion: args.kernelVersion })).summariesOfKernelTree(args.kernelTree) : undefined;
  const checker = await Checker.create({ protocolVariant: args.protocolVariant, kernelVersion: args.kernelVersion, externalSummaries });
  const findings: Finding[] = [];
  const patches = files.filter((f) => PATCH_EXTENSIONS.includes(extname(f)));
  for (const file of files.filter((f) => !patches.includes(f))) {
    findings.push(...checker.check({ file, text: readFileSync(file, 'utf8') }).findings);
  }
  if (patches.length > 0) {
    // Bytes, not text: the patch layer decodes each mail's charset and transfer encoding itself.
    const series = checker.series().check(patches.map((fileName) => ({ fileName, text: readFileSync(fileName) })),
      { baseFiles: args.baseFiles, kernelTree: args.kernelTree });
    findings.push(...series.findings.map(postImageNames(series)));
    if (args.format === 'text') process.stderr.write(seriesSummary(series));
  }
  findings.sort(compareFindings);
  const out = args.format === 'json' ? formatJson(findings)
    : args.format === 'sarif' ? formatSarif(findings, VERSION)
    : formatText(findings);
  if (out) process.stdout.write(`${out}\n`);
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** Related places in a reconstructed post-image are named `PATH (after PATCHFILE)` on the command line. */
function postImageNames(series: SeriesCheckResult): (f: Finding) => Finding {
  return (f) => ({
    ...f,
    related: f.related.map((r) => {
      const image = r.file?.startsWith('post-image:') ? series.postImages.get(r.file.slice('post-image:'.length)) : undefined;
      return image ? { ...r, file: `${image.path} (after ${image.patchFile})` } : r;
    }),
  });
}

/** One line per patch: what it adds and fixes, so a reviewer sees at a glance whether the series bisects. */
function seriesSummary(series: SeriesCheckResult): string {
  const lines = series.patches.filter((p) => p.role !== 'cover').map((p) =>
    `  ${p.role === 'review' ? 'review' : `#${p.position}`} ${p.subject || p.fileName}: +${p.added} finding(s), ${p.fixed} fixed`);
  const h = series.hunks;
  return `mm-review: series of ${series.patches.length} message(s); hunks: ${h.exact} exact, ${h.offset} with offset, ` +
    `${h.fuzz} with fuzz, ${h.failed} failed, ${h.noBase} without base\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    process.stdout.write(`mm-review ${VERSION}\n`);
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'report') return report(rest); // the protocol diagram as an HTML file (cli/report.ts)
  if (command === 'simulate') return simulateCommand(rest); // the interleaving simulator (cli/simulate.ts)
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  return check(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) process.stderr.write(`mm-review: ${e.message}\n${USAGE}\n`);
    else if (e instanceof SimulateUsageError) process.stderr.write(`mm-review simulate: ${e.message}\n${SIMULATE_USAGE}\n`);
    else process.stderr.write(`mm-review: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
