/**
 * Local UI state of the notebook page: which cell is selected, which one is being edited, and
 * the shortcuts dialog. Shared content never lives here; it stays in the Y.Doc.
 */
import { create } from 'zustand';

export interface UiState {
  selectedCellId: string | null;
  /** The cell whose editor has the keyboard (edit mode); null = command mode. */
  editingCellId: string | null;
  isShortcutsOpen: boolean;
  select(cellId: string | null): void;
  startEditing(cellId: string): void;
  stopEditing(): void;
  setShortcutsOpen(open: boolean): void;
  reset(): void;
}

export const useUiStore = create<UiState>()((set) => ({
  selectedCellId: null,
  editingCellId: null,
  isShortcutsOpen: false,
  select: (cellId) => set((s) => (s.selectedCellId === cellId ? s : { selectedCellId: cellId, editingCellId: s.editingCellId === cellId ? cellId : null })),
  startEditing: (cellId) => set({ selectedCellId: cellId, editingCellId: cellId }),
  stopEditing: () => set((s) => (s.editingCellId === null ? s : { editingCellId: null })),
  setShortcutsOpen: (open) => set({ isShortcutsOpen: open }),
  reset: () => set({ selectedCellId: null, editingCellId: null, isShortcutsOpen: false }),
}));
