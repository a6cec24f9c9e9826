/**
 * Privacy models, each a test on one equivalence class, written the way ARX evaluates them
 * (org.deidentifier.arx.criteria.*): k-anonymity on the class size; l-diversity on the
 * frequencies of the sensitive values in the class.
 *
 * Monotonicity (what the search may infer from one node about others), per ARX and
 * Machanavajjhala et al.: k-anonymity and distinct l-diversity stay satisfied under
 * generalisation even with record suppression; entropy and recursive-(c,l) l-diversity only
 * without suppression (with suppression a more general node can suppress more records).
 */
import type { LDiversity } from './policy.ts';

const LOG2 = Math.log(2);
/** log base 2 as ARX computes it (Math.log(x) / Math.log(2)). */
export function log2(x: number): number {
  return Math.log(x) / LOG2;
}

export function isKAnonymous(classSize: number, k: number): boolean {
  return classSize >= k;
}

/** At least `l` distinct sensitive values. */
export function isDistinctLDiverse(freqs: ArrayLike<number>, l: number): boolean {
  return freqs.length >= l;
}

/** Shannon entropy of the sensitive values is at least log2(l). */
export function isEntropyLDiverse(freqs: ArrayLike<number>, l: number): boolean {
  if (freqs.length < l) return false;
  let total = 0;
  let sum = 0;
  for (let i = 0; i < freqs.length; i++) {
    const f = freqs[i];
    sum += f * log2(f);
    total += f;
  }
  if (total === 0) return false;
  const entropy = -(sum / total - log2(total));
  return entropy >= log2(l);
}

/**
 * Recursive (c,l)-diversity: with frequencies sorted descending r1 >= r2 >= …, r1 < c·(r_l + … + r_m).
 * `freqs` may be in any order; it is sorted in place (ascending).
 */
export function isRecursiveCLDiverse(freqs: Int32Array | number[], c: number, l: number): boolean {
  const n = freqs.length;
  if (n < l) return false;
  if (freqs instanceof Int32Array) freqs.sort();
  else freqs.sort((a, b) => a - b);
  let tail = 0;
  for (let i = n - l; i >= 0; i--) tail += freqs[i];
  return freqs[n - 1] < c * tail;
}

export function isLDiverse(freqs: Int32Array, model: LDiversity): boolean {
  switch (model.variant) {
    case 'distinct': return isDistinctLDiverse(freqs, model.l);
    case 'entropy': return isEntropyLDiverse(freqs, model.l);
    case 'recursive': return isRecursiveCLDiverse(freqs, model.c, model.l);
  }
}

/** Fewest records a class must have to pass the models (smaller classes always fail). */
export function minimalClassSize(k: number, models: readonly LDiversity[]): number {
  return Math.max(k, ...models.map((m) => m.l));
}

/** Whether "anonymous" is inherited upwards in the lattice under this suppression limit. */
export function isFullyMonotonic(models: readonly LDiversity[], suppressionLimit: number): boolean {
  return suppressionLimit === 0 || models.every((m) => m.variant === 'distinct');
}
