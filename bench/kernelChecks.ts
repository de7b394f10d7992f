// A full check of each real kernel file through the public API (Checker.check: parse, every function, no
// cache), the first run and the median of the following ones, with what the analysis covered.
import { Checker } from '../server/src/core';
import { KERNEL_FILES, kernelText, lineCount } from './corpus';
import { median, progress, round, timed } from './measure';

export interface KernelFileCheck {
  file: string;
  lines: number;
  functions: number;
  findings: number;
  errorFindings: number;
  statesExplored: number;
  /** The first check in this process (JIT still cold for this file's code paths). */
  firstMs: number;
  /** The median of the next runs. */
  medianMs: number;
  parseMs: number;
  analyzeMs: number;
}

export async function checkKernelFiles(runs: number): Promise<KernelFileCheck[]> {
  const checker = await Checker.create();
  const out: KernelFileCheck[] = [];
  for (const file of KERNEL_FILES) {
    progress(`full check of ${file} (${runs + 1} runs)`);
    const text = kernelText(file);
    const first = timed(() => checker.check({ file, text }));
    const next = Array.from({ length: runs }, () => timed(() => checker.check({ file, text })));
    const typical = next.sort((a, b) => a.ms - b.ms)[next.length >> 1].value;
    out.push({
      file, lines: lineCount(text), functions: typical.functions.length,
      findings: typical.findings.length, errorFindings: typical.findings.filter((f) => f.severity === 'error').length,
      statesExplored: typical.functions.reduce((n, f) => n + f.statesVisited, 0),
      firstMs: round(first.ms), medianMs: round(median(next.map((r) => r.ms))),
      parseMs: round(typical.parseMs), analyzeMs: round(typical.analyzeMs),
    });
  }
  return out;
}
