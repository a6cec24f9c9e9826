/**
 * The full-domain generalisation lattice: one node per vector of levels (one level per
 * quasi-identifier, 0..max). Nodes are numbered in mixed radix, first column most significant,
 * so node order equals lexicographic order of the level vectors.
 */
export interface Lattice {
  maxLevels: number[];
  size: number;
  /** radix[i] = number of nodes spanned by one step of column i. */
  radix: number[];
}

/** Refuses lattices too large to search exhaustively in the worst case. */
export const MAX_LATTICE_SIZE = 2_000_000;

export function createLattice(maxLevels: number[]): Lattice {
  const radix = new Array<number>(maxLevels.length);
  let size = 1;
  for (let i = maxLevels.length - 1; i >= 0; i--) {
    radix[i] = size;
    size *= maxLevels[i] + 1;
  }
  return { maxLevels, size, radix };
}

export function levelsOf(lattice: Lattice, node: number): number[] {
  return lattice.maxLevels.map((_, i) => Math.floor(node / lattice.radix[i]) % (lattice.maxLevels[i] + 1));
}

export function nodeOf(lattice: Lattice, levels: readonly number[]): number {
  let node = 0;
  for (let i = 0; i < levels.length; i++) node += levels[i] * lattice.radix[i];
  return node;
}

export function levelSum(lattice: Lattice, node: number): number {
  return levelsOf(lattice, node).reduce((a, b) => a + b, 0);
}

/** Direct predecessors (one column one level lower). */
export function predecessors(lattice: Lattice, node: number): number[] {
  const levels = levelsOf(lattice, node);
  const out: number[] = [];
  for (let i = 0; i < levels.length; i++) if (levels[i] > 0) out.push(node - lattice.radix[i]);
  return out;
}

/** Direct successors (one column one level higher). */
export function successors(lattice: Lattice, node: number): number[] {
  const levels = levelsOf(lattice, node);
  const out: number[] = [];
  for (let i = 0; i < levels.length; i++) if (levels[i] < lattice.maxLevels[i]) out.push(node + lattice.radix[i]);
  return out;
}

/** True when `a` is at or below `b` in every column. */
export function isAtOrBelow(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > b[i]) return false;
  return true;
}
