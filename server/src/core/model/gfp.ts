// What a GFP mask says about direct reclaim (include/linux/gfp_types.h). Direct reclaim can sleep and walks
// rmap under the anon_vma / i_mmap read locks (PROTOCOL.md D-1), so it decides both NO-SLEEP-IN-ATOMIC and
// NO-RECLAIM-ALLOC-UNDER-RMAP-LOCK for an allocating call.

/** Masks with __GFP_DIRECT_RECLAIM set. __GFP_NORETRY and GFP_NOIO/NOFS still reclaim, only less hard. */
const WITH_DIRECT_RECLAIM =
  /\b(?:GFP_KERNEL|GFP_KERNEL_ACCOUNT|GFP_USER|GFP_HIGHUSER|GFP_HIGHUSER_MOVABLE|GFP_TRANSHUGE|GFP_NOIO|GFP_NOFS|__GFP_DIRECT_RECLAIM|__GFP_RECLAIM)\b/;
/** Masks without it: GFP_TRANSHUGE_LIGHT is `GFP_HIGHUSER_MOVABLE | … & ~__GFP_RECLAIM`. */
const WITHOUT_DIRECT_RECLAIM = /\b(?:GFP_ATOMIC|GFP_NOWAIT|GFP_TRANSHUGE_LIGHT)\b/;
/** An explicit `& ~__GFP_RECLAIM` / `& ~__GFP_DIRECT_RECLAIM` wins over everything else in the mask. */
const RECLAIM_MASKED_OUT = /~\s*\(?\s*__GFP_(?:DIRECT_)?RECLAIM\b/;

/**
 * Whether an allocation with this GFP argument text may enter direct reclaim. Unknown masks (a variable, a
 * helper's gfp parameter) count as reclaiming: that is what the allocation helpers in mm/khugepaged.c use.
 */
export function mayDirectReclaim(gfp: string | undefined): boolean {
  if (!gfp) return true;
  if (RECLAIM_MASKED_OUT.test(gfp)) return false;
  if (WITH_DIRECT_RECLAIM.test(gfp)) return true;
  return !WITHOUT_DIRECT_RECLAIM.test(gfp);
}
