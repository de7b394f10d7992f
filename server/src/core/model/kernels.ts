// Facts about the kernel under review that depend on its version, each declared once with the release that
// brought it. The version is what the user says (--kernel-version, mmReview.kernelVersion) or what a kernel
// tree's Makefile says; a change under review can delete any call, so the presence of a call in the text
// never decides whether the kernel has the feature.

export interface KernelVersion {
  major: number;
  minor: number;
}

export interface KernelFeature {
  since: KernelVersion;
  /** What the feature is, for messages: "per-VMA locks". */
  what: string;
  /** Where the kernel introduced it. */
  source: string;
  /**
   * Names of its API. When the version is not known, a text that calls any of them is taken to be of a
   * kernel that has it; a text that calls none is "unknown" (one deleted call must not turn a rule off).
   */
  api: readonly string[];
}

export const KERNEL_FEATURES = {
  perVmaLocks: {
    since: { major: 6, minor: 4 },
    what: 'per-VMA locks (page faults under vma_start_read(), excluded by vma_start_write())',
    source: 'include/linux/mm.h, "mm: introduce per-VMA lock" (Linux 6.4)',
    api: ['vma_start_write', 'vma_start_read', 'vma_end_read', 'lock_vma_under_rcu', 'vma_assert_write_locked',
      'vma_assert_locked', 'vma_mark_detached', 'FAULT_FLAG_VMA_LOCK', 'vma_write_lock'],
  },
  pteMapRcu: {
    since: { major: 6, minor: 5 },
    what: 'PTE maps in an RCU read section (pte_offset_map() can fail, and nothing may sleep until pte_unmap())',
    source: 'mm/pgtable-generic.c __pte_offset_map(), "mm/pgtable: allow pte_offset_map[_lock]() to fail" (Linux 6.5); ' +
      'before it, pte_offset_map() is atomic only with CONFIG_HIGHPTE (32-bit)',
    api: ['__pte_offset_map', 'pte_offset_map_nolock', 'pte_offset_map_ro_nolock', 'pte_offset_map_rw_nolock', 'pte_offset_map_maywrite_nolock'],
  },
} satisfies Record<string, KernelFeature>;

export type KernelFeatureName = keyof typeof KERNEL_FEATURES;

/** Whether the kernel under review has a feature: known from its version, or only assumed. */
export type Tristate = 'yes' | 'no' | 'unknown';

/** What is known of each feature for one check. */
export type KernelFacts = Record<KernelFeatureName, Tristate>;

const FEATURE_NAMES = Object.keys(KERNEL_FEATURES) as KernelFeatureName[];
/** Every feature's API names, in one pattern: the text is scanned once per check, not once per name. */
const API_NAMES = new RegExp(FEATURE_NAMES.flatMap((n) => KERNEL_FEATURES[n].api).join('|'), 'g');

/** What the kernel has of each feature: from its version when known, else from the API names the text uses. */
export function kernelFacts(version: string | undefined, text: string): KernelFacts {
  const v = version === undefined ? undefined : parseKernelVersion(version);
  const named = v ? undefined : new Set(Array.from(text.matchAll(API_NAMES), (m) => m[0]));
  const out = {} as KernelFacts;
  for (const name of FEATURE_NAMES) {
    const f: KernelFeature = KERNEL_FEATURES[name];
    out[name] = v ? (v.major > f.since.major || (v.major === f.since.major && v.minor >= f.since.minor) ? 'yes' : 'no')
      : f.api.some((api) => named!.has(api)) ? 'yes' : 'unknown';
  }
  return out;
}

/** "6.12", "v6.1.192", "6.12.118-1~deb12u1", "7.2-rc3" → {major, minor}; undefined for anything else. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:[.\-~+].*)?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** The version a kernel tree's top-level Makefile declares (VERSION = 6, PATCHLEVEL = 12). */
export function versionFromMakefile(makefile: string): string | undefined {
  const major = /^VERSION\s*=\s*(\d+)\s*$/m.exec(makefile)?.[1];
  const minor = /^PATCHLEVEL\s*=\s*(\d+)\s*$/m.exec(makefile)?.[1];
  const sub = /^SUBLEVEL\s*=\s*(\d+)\s*$/m.exec(makefile)?.[1];
  return major && minor ? `${major}.${minor}${sub ? `.${sub}` : ''}` : undefined;
}

export function kernelHas(feature: KernelFeatureName, version: string | undefined, text: string): Tristate {
  return kernelFacts(version, text)[feature];
}

/** The note a finding gets when it holds only if the kernel has the feature. */
export function assumedFeature(feature: KernelFeatureName): string {
  const f: KernelFeature = KERNEL_FEATURES[feature];
  return `if this kernel has ${f.what}, Linux ${f.since.major}.${f.since.minor} and later; ` +
    'give --kernel-version or a kernel tree to decide';
}
