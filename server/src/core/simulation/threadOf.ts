// The collapse thread of a named function of a C text, for the simulator.
import { buildCfg } from '../cfg/build';
import type { FunctionCfg } from '../cfg/types';
import type { FunctionReport } from '../analysis';
import { findFunctions } from '../parse/functions';
import type { CParser } from '../parse/parser';
import type { ThreadProgram } from '../sim/program';
import { extractThreadProgram } from './extract';

export function threadProgramOf(parser: CParser, text: string, functionName: string, reports: FunctionReport[],
  location?: (row: number, column: number) => { line: number; column: number }): ThreadProgram | undefined {
  const tree = parser.parser.parse(text);
  if (!tree) return undefined;
  try {
    const sites = findFunctions(tree, parser);
    const cfgs = new Map<string, FunctionCfg>();
    const cfgOf = (name: string): FunctionCfg | undefined => {
      if (!cfgs.has(name)) {
        const site = sites.find((s) => s.name === name);
        if (!site) return undefined;
        cfgs.set(name, buildCfg(site.node, site.name, site.params));
      }
      return cfgs.get(name);
    };
    const cfg = cfgOf(functionName);
    if (!cfg) return undefined;
    return extractThreadProgram({ cfg, cfgOf, summary: reports.find((r) => r.name === functionName)?.summary, location });
  } finally {
    tree.delete();
  }
}
