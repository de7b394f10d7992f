// `mm-review report --html OUT.html FILE`: the protocol diagram of one function as a standalone HTML file, to
// attach to a review or keep as a CI artifact. The same renderer, page script, stylesheet and CSP as the
// editor's panel; the script and stylesheet are inlined (the file loads nothing), and every string from the
// input is escaped by the renderer.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  Checker, PATCH_EXTENSIONS, cSource, diagramPage, isActorName, makeNonce, mostProtocolLike, patchSources, prepareSimulation,
  renderDiagram, runPreparedSimulation, simulationActors, simulationDiagram, simulationSummary, staticDiagram,
  type ActorName, type AnalysedSource, type DiagramModel, type FunctionReport,
} from '../core';

export const REPORT_USAGE = `usage: mm-review report --html OUT.html [--function NAME] [--actors A,B,...] [--max-seconds N]
                        [--base [REPO/PATH=]FILE]... [--kernel-tree DIR] FILE

Writes the protocol diagram of one function of FILE (a C file, or a patch: the function after the patch) to
OUT.html, a standalone page that loads nothing from anywhere.

  --function NAME   the function to draw (default: the one with the most collapse-protocol calls)
  --actors A,B      simulate the function against these concurrent actors and draw the shortest trace that
                    breaks a rule (without: the static protocol match). Actors:
${simulationActors().map((a) => `                      ${a.name.padEnd(16)}${a.summary}`).join('\n')}
  --max-seconds N   stop the simulation after N seconds (default 30; the verdict is then "incomplete")
  --base, --kernel-tree   as for \`mm-review check\`: where a patch's base comes from

Exit status: 0 the report was written, 2 unusable input.`;

class ReportUsageError extends Error {}

interface ReportArgs {
  out: string;
  file: string;
  functionName?: string;
  actors?: ActorName[];
  maxSeconds?: number;
  baseFiles: Map<string, string>;
  kernelTree?: string;
}

function parseArgs(argv: string[]): ReportArgs {
  let out: string | undefined;
  const files: string[] = [];
  const args: Partial<ReportArgs> & { baseFiles: Map<string, string> } = { baseFiles: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (argv[i + 1] === undefined) throw new ReportUsageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--html') out = value();
    else if (flag === '--function') args.functionName = value();
    else if (flag === '--actors') args.actors = parseActors(value());
    else if (flag === '--max-seconds') args.maxSeconds = positiveNumber(flag, value());
    else if (flag === '--kernel-tree') args.kernelTree = value();
    else if (flag === '--base') {
      const v = value();
      const eq = v.indexOf('=');
      const base = eq > 0 ? v.slice(eq + 1) : v;
      if (!existsSync(base)) throw new ReportUsageError(`--base: cannot read '${base}'`);
      args.baseFiles.set(eq > 0 ? v.slice(0, eq) : '*', base);
    } else if (flag.startsWith('-')) throw new ReportUsageError(`unknown option '${flag}'`);
    else files.push(flag);
  }
  if (!out) throw new ReportUsageError('--html OUT.html is required');
  if (files.length !== 1) throw new ReportUsageError(files.length ? 'give exactly one FILE' : 'no FILE given');
  if (!existsSync(files[0]) || !statSync(files[0]).isFile()) throw new ReportUsageError(`cannot read '${files[0]}'`);
  return { ...args, out, file: files[0] };
}

function parseActors(list: string): ActorName[] {
  const names = list.split(',').map((a) => a.trim()).filter(Boolean);
  const unknown = names.filter((a) => !isActorName(a));
  if (unknown.length || !names.length) {
    throw new ReportUsageError(`unknown actor${unknown.length > 1 ? 's' : ''} '${unknown.join("', '") || list}' (see --help)`);
  }
  return names as ActorName[];
}

function positiveNumber(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ReportUsageError(`${flag} needs a positive number, got '${v}'`);
  return n;
}

/** The C texts of FILE: the file itself, or each post-image of the patch. */
async function sourcesOf(args: ReportArgs, checker: Checker): Promise<AnalysedSource[]> {
  if (!PATCH_EXTENSIONS.includes(extname(args.file))) {
    const text = readFileSync(args.file, 'utf8');
    return [cSource(args.file, text, checker.check({ file: args.file, text }))];
  }
  const bytes = readFileSync(args.file);
  const series = checker.series().check([{ fileName: args.file, text: bytes }], { baseFiles: args.baseFiles, kernelTree: args.kernelTree });
  return patchSources({ file: args.file, text: bytes, series }, (image) => checker.check({ file: image.path, text: image.text }));
}

/** The named function (in the last source that has it: after the whole series), else the most collapse-like. */
function pickFunction(sources: AnalysedSource[], name: string | undefined): { fn: FunctionReport; source: AnalysedSource } {
  for (const source of [...sources].reverse()) {
    const fn = name ? source.functions.find((f) => f.name === name) : mostProtocolLike(source.functions);
    if (fn) return { fn, source };
  }
  if (name) throw new ReportUsageError(`no function '${name}' found`);
  throw new ReportUsageError('no function with collapse-protocol calls found; name one with --function');
}

/** The page script and stylesheet: dist/webview next to the CLI bundle, or the repository's dist/ (tests). */
function webviewAssets(): { script: string; style: string } {
  const dirs = [join(__dirname, 'webview'), join(__dirname, '..', '..', '..', '..', 'dist', 'webview')];
  const dir = dirs.find((d) => existsSync(join(d, 'diagram.js')));
  if (!dir) throw new Error(`the diagram page script is missing (looked in ${dirs.join(', ')}); run \`npm run build\``);
  return { script: readFileSync(join(dir, 'diagram.js'), 'utf8'), style: readFileSync(join(dir, 'diagram.css'), 'utf8') };
}

export function reportPage(model: DiagramModel): string {
  const assets = webviewAssets();
  return diagramPage({
    title: `MM Review: ${model.title}`, nonce: makeNonce(), body: renderDiagram(model),
    styles: [{ inline: assets.style }], scripts: [{ inline: assets.script }],
  });
}

export async function report(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${REPORT_USAGE}\n`);
    return 0;
  }
  let args: ReportArgs;
  let picked: { fn: FunctionReport; source: AnalysedSource };
  const checker = await Checker.create();
  try {
    args = parseArgs(argv);
    picked = pickFunction(await sourcesOf(args, checker), args.functionName);
  } catch (e) {
    if (!(e instanceof ReportUsageError)) throw e;
    process.stderr.write(`mm-review report: ${e.message}\n${REPORT_USAGE}\n`);
    return 2;
  }
  const { fn, source } = picked;
  let model: DiagramModel;
  if (args.actors) {
    const prepared = prepareSimulation(fn, source, args.actors, (text, name) => checker.threadProgram(args.file, text, name));
    if ('message' in prepared) {
      process.stderr.write(`mm-review report: ${prepared.message}\n`);
      return 2;
    }
    const result = await runPreparedSimulation(prepared, { maxSeconds: args.maxSeconds ?? 30 });
    process.stdout.write(`${simulationSummary(fn.name, source, args.actors, result)}\n`);
    model = simulationDiagram(fn, source, prepared, result);
  } else {
    model = staticDiagram(fn, source);
  }
  writeFileSync(args.out, reportPage(model));
  process.stderr.write(`mm-review: wrote ${args.out}: ${model.mode} diagram of ${fn.name}(), ${model.steps.length} steps; ${model.verdict.text}\n`);
  return 0;
}
