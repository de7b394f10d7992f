// `mm-review simulate`: runs the interleaving simulator on the collapse thread extracted from a function of a
// C file (or of the last version of it in a patch series), against the chosen concurrent actors.
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  ACTOR_NAMES, Checker, PATCH_EXTENSIONS, exportPromela, formatSummary, isActorName, runSimulationInWorker,
  type ActorName, type SimulationResult, type ThreadProgram,
} from '../core';

export const SIMULATE_USAGE = `usage: mm-review simulate [--format text|json] --function NAME --actors a,b,... [--max-states N]
                         [--max-seconds S] [--emit-promela OUT.pml] [--base [PATH=]FILE] [--kernel-tree DIR] FILE

Runs the collapse thread of NAME (from a .c file, or from the last patch of a series that changes it)
against concurrent actors: ${ACTOR_NAMES.join(', ')}.
Exit status: 0 safe, 1 violation, 3 incomplete (a budget ran out), 2 unusable input.`;

export class SimulateUsageError extends Error {}

interface SimulateArgs {
  format: 'text' | 'json';
  functionName?: string;
  actors: ActorName[];
  maxStates?: number;
  maxSeconds?: number;
  promela?: string;
  file?: string;
  baseFiles: Map<string, string>;
  kernelTree?: string;
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const args = parse(argv);
  const checker = await Checker.create();
  const program = threadFrom(checker, args);
  const scenario = { program, actors: args.actors };
  if (args.promela) writeFileSync(args.promela, exportPromela(scenario));
  const result = await runSimulationInWorker(scenario, { maxStates: args.maxStates, maxSeconds: args.maxSeconds ?? 60 });
  process.stdout.write(args.format === 'json' ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatText(program.name, args.actors, result));
  return result.verdict === 'safe' ? 0 : result.verdict === 'violation' ? 1 : 3;
}

function parse(argv: string[]): SimulateArgs {
  const out: SimulateArgs = { format: 'text', actors: [], baseFiles: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') && argv[i].startsWith('--') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new SimulateUsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json') throw new SimulateUsageError(`unknown format '${v}'`);
      out.format = v;
    } else if (flag === '--function') out.functionName = value();
    else if (flag === '--actors') {
      for (const a of value().split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!isActorName(a)) throw new SimulateUsageError(`unknown actor '${a}' (actors: ${ACTOR_NAMES.join(', ')})`);
        out.actors.push(a);
      }
    } else if (flag === '--max-states') out.maxStates = positive(value(), flag);
    else if (flag === '--max-seconds') out.maxSeconds = positive(value(), flag);
    else if (flag === '--emit-promela') out.promela = value();
    else if (flag === '--base') {
      const v = value();
      const eq = v.indexOf('=');
      out.baseFiles.set(eq > 0 ? v.slice(0, eq) : '*', eq > 0 ? v.slice(eq + 1) : v);
    } else if (flag === '--kernel-tree') out.kernelTree = value();
    else if (flag.startsWith('-')) throw new SimulateUsageError(`unknown option '${flag}'`);
    else if (out.file) throw new SimulateUsageError('give one FILE');
    else out.file = flag;
  }
  if (!out.file) throw new SimulateUsageError('no FILE given');
  if (!out.functionName) throw new SimulateUsageError('--function NAME is required');
  if (out.actors.length === 0) throw new SimulateUsageError('--actors is required');
  return out;
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new SimulateUsageError(`${flag} needs a positive number`);
  return n;
}

/** The thread of `name`: from the C file, or from the last post-image of a series that contains it. */
function threadFrom(checker: Checker, args: SimulateArgs): ThreadProgram {
  const file = args.file!;
  const name = args.functionName!;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new SimulateUsageError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!PATCH_EXTENSIONS.includes(extname(file))) {
    const program = checker.threadProgram(file, bytes.toString('utf8'), name);
    if (!program) throw new SimulateUsageError(`no function '${name}' in ${file}`);
    return program;
  }
  const series = checker.series().check([{ fileName: file, text: bytes }], { baseFiles: args.baseFiles, kernelTree: args.kernelTree });
  const images = [...series.postImages.values()].filter((p) => new RegExp(`\\b${name}\\s*\\(`).test(p.text));
  const image = images.at(-1);
  if (!image) throw new SimulateUsageError(`no patch in ${file} changes a file with '${name}' (a base is needed for whole functions: check the series with --base first)`);
  const program = checker.threadProgram(image.path, image.text, name,
    (row, column) => ({ line: image.patchLines[row] ?? row + 1, column: column + 1 }));
  if (!program) throw new SimulateUsageError(`no function '${name}' in ${image.path} after ${image.patchFile}`);
  return program;
}

function toJson(r: SimulationResult): object {
  return {
    verdict: r.verdict, statesExplored: r.statesExplored, seconds: Number(r.seconds.toFixed(3)),
    violations: r.violations.map((v) => ({ rule: v.rule, actor: v.actor, message: v.message, trace: v.trace })),
    ...(r.coverage ? { coverage: r.coverage } : {}),
  };
}

function formatText(name: string, actors: string[], r: SimulationResult): string {
  const lines = [`${name} vs ${actors.join(', ')}: ${r.verdict} (${r.statesExplored} states, ${r.seconds.toFixed(2)} s)`];
  if (r.coverage) lines.push(`  incomplete: ${JSON.stringify(r.coverage)}`);
  for (const v of r.violations) {
    lines.push(`${v.rule} (${v.actor}): ${v.message}`);
    v.trace.forEach((s, i) => lines.push(`  ${String(i + 1).padStart(3)}. ${s.thread}: ${s.op}${s.args ? `(${s.args.join(', ')})` : ''}${s.loc ? ` [line ${s.loc.line}]` : ''}  → ${formatSummary(s.stateAfter)}`));
  }
  return `${lines.join('\n')}\n`;
}
