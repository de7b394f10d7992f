// mm-review command line: `mm-review check [--format text|json|sarif] PATH...`.
// Exit status: 0 without error-level findings, 1 with, 2 when the input cannot be used (the message says why).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Checker, compareFindings, type Finding } from './core';
import { formatJson, formatSarif, formatText, type OutputFormat } from './cli/format';

const VERSION = '0.1.0';
const C_EXTENSIONS = new Set(['.c', '.h']);

const USAGE = `usage: mm-review check [--format text|json|sarif] PATH...

Checks kernel C files (directories are searched for .c and .h files) against the khugepaged collapse
locking protocol and prints the findings. Exit status: 0 no error-level finding, 1 error-level findings,
2 unusable input.`;

class UsageError extends Error {}

interface CheckArgs {
  format: OutputFormat;
  paths: string[];
}

function parseCheckArgs(argv: string[]): CheckArgs {
  const args: CheckArgs = { format: 'text', paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (value !== 'text' && value !== 'json' && value !== 'sarif') throw new UsageError(`unknown format '${value ?? ''}'`);
      args.format = value;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option '${a}'`);
    } else {
      args.paths.push(a);
    }
  }
  if (args.paths.length === 0) throw new UsageError('no PATH given');
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
    } else if (C_EXTENSIONS.has(extname(p))) {
      files.push(p);
    } else {
      throw new UsageError(`'${p}' is not a C file (.c or .h); patch files are not supported yet`);
    }
  }
  return files;
}

async function check(argv: string[]): Promise<number> {
  const args = parseCheckArgs(argv);
  const files = expandPaths(args.paths);
  const checker = await Checker.create();
  const findings: Finding[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    findings.push(...checker.check({ file, text }).findings);
  }
  findings.sort(compareFindings);
  const out = args.format === 'json' ? formatJson(findings)
    : args.format === 'sarif' ? formatSarif(findings, VERSION)
    : formatText(findings);
  if (out) process.stdout.write(`${out}\n`);
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
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
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  return check(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) process.stderr.write(`mm-review: ${e.message}\n${USAGE}\n`);
    else process.stderr.write(`mm-review: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
