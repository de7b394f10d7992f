// The swimlane "rail" of each step row: one SVG per row, drawn so that the rows stacked together read as one
// picture: a vertical line per lane, the step's mark in its lane, and per lane one thin column ("slot") per
// lock family, filled while that lock is held. A row's SVG stretches to the row's height (rows grow when
// text wraps at narrow widths), so lines and bars stay continuous from row to row.
import { cls, el, type Html } from './html';
import { lockKind, type DiagramModel, type LockBar, type LockKind } from './model';

/** The rail's coordinate system: every row is ROW_H high; SVG stretches it to the real height. */
const ROW_H = 20;
const LANE_PAD = 14;
const SLOT_W = 5;
const BAR_W = 4;

export interface RailLayout {
  width: number;
  /** Per lane: the x of its line and of each of its lock slots. */
  lanes: { x: number; line: number; slots: Map<LockKind, number> }[];
}

const KIND_ORDER: LockKind[] = ['mmap', 'vma', 'anon', 'immap', 'notifier', 'pml', 'ptl', 'rcu', 'irq', 'folio', 'other'];

export function railLayout(model: DiagramModel): RailLayout {
  let x = 0;
  const lanes = model.lanes.map((lane) => {
    const kinds = new Set(model.lockBars.filter((b) => b.lane === lane.index).map((b) => lockKind(b.lock)));
    const slots = new Map<LockKind, number>();
    KIND_ORDER.filter((k) => kinds.has(k)).forEach((k, i) => slots.set(k, x + LANE_PAD + i * SLOT_W));
    const entry = { x, line: x + LANE_PAD / 2, slots };
    x += LANE_PAD + slots.size * SLOT_W + 4;
    return entry;
  });
  return { width: Math.max(x, 20), lanes };
}

/** Read-mode locks (`M:R`, `A:R`, `Vr`) are drawn lighter than write-mode and exclusive ones. */
function isReadMode(lock: string): boolean {
  return /:R$|^Vr$/.test(lock);
}

/** The part of `bar` inside row `row`: acquired mid-row at its first step, released mid-row after its last. */
function segment(bar: LockBar, row: number): [number, number] | undefined {
  const top = row === bar.fromStep ? ROW_H / 2 : 0;
  if (row >= bar.fromStep && row <= bar.toStep) return [top, ROW_H];
  if (row === bar.toStep + 1) return [0, ROW_H / 2];
  return undefined;
}

export function railRow(model: DiagramModel, layout: RailLayout, row: number): Html {
  const parts: Html[] = [];
  layout.lanes.forEach((lane, i) => {
    parts.push(el('line', {
      class: cls('mmd-lane-line', `mmd-lanecolor-${i % 8}`), x1: lane.line, x2: lane.line, y1: 0, y2: ROW_H,
    }));
  });
  for (const bar of model.lockBars) {
    const seg = segment(bar, row);
    const lane = layout.lanes[bar.lane];
    const kind = lockKind(bar.lock);
    const x = lane?.slots.get(kind);
    if (!seg || x === undefined) continue;
    parts.push(el('rect', {
      class: cls('mmd-bar', `lock-${kind}`, isReadMode(bar.lock) && 'is-read'), x, y: seg[0], width: BAR_W, height: seg[1] - seg[0],
    }));
  }
  return el('svg', {
    class: 'mmd-rail', width: layout.width, viewBox: `0 0 ${layout.width} ${ROW_H}`, preserveAspectRatio: 'none',
    'aria-hidden': 'true', focusable: 'false',
  }, ...parts);
}

/**
 * The step's mark in its lane, in its own SVG of fixed height laid over the top of the rail: the rail
 * stretches with the row, the mark stays square next to the first line of the call.
 */
export function railMark(model: DiagramModel, layout: RailLayout, row: number): Html {
  const step = model.steps[row];
  const lane = layout.lanes[step.lane];
  return el('svg', {
    class: 'mmd-rail-mark', width: layout.width, height: ROW_H, viewBox: `0 0 ${layout.width} ${ROW_H}`, 'aria-hidden': 'true', focusable: 'false',
  }, lane && el('rect', {
    class: cls('mmd-mark', `mmd-lanecolor-${step.lane % 8}`), x: lane.line - 5, y: ROW_H / 2 - 5, width: 10, height: 10, rx: 2,
  }));
}

/**
 * The rail between two rows (behind a band's heading), so lanes and held locks run on through it: a bar is
 * there when its lock is held after step `beforeRow - 1` (it is released mid-row at step toStep + 1 at the
 * earliest).
 */
export function railGap(model: DiagramModel, layout: RailLayout, beforeRow: number): Html {
  const parts: Html[] = layout.lanes.map((lane, i) => el('line', {
    class: cls('mmd-lane-line', `mmd-lanecolor-${i % 8}`), x1: lane.line, x2: lane.line, y1: 0, y2: ROW_H,
  }));
  for (const bar of model.lockBars) {
    const x = layout.lanes[bar.lane]?.slots.get(lockKind(bar.lock));
    if (x === undefined || !(bar.fromStep <= beforeRow - 1 && beforeRow - 1 <= bar.toStep)) continue;
    parts.push(el('rect', { class: cls('mmd-bar', `lock-${lockKind(bar.lock)}`, isReadMode(bar.lock) && 'is-read'), x, y: 0, width: BAR_W, height: ROW_H }));
  }
  return el('svg', {
    class: 'mmd-rail', width: layout.width, viewBox: `0 0 ${layout.width} ${ROW_H}`, preserveAspectRatio: 'none',
    'aria-hidden': 'true', focusable: 'false',
  }, ...parts);
}

/** The rail's column heading: the lane numbers over the lane lines. */
export function railHeading(layout: RailLayout): Html {
  return el('svg', {
    class: 'mmd-rail-head', width: layout.width, height: ROW_H, viewBox: `0 0 ${layout.width} ${ROW_H}`, 'aria-hidden': 'true', focusable: 'false',
  }, ...layout.lanes.map((lane, i) => el('text', {
    class: cls('mmd-lane-number', `mmd-lanecolor-${i % 8}`), x: lane.line, y: 14, 'text-anchor': 'middle',
  }, String(i + 1))));
}
