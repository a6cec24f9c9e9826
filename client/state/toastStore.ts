/**
 * Toasts waiting to be shown (local UI state). Messages are stored in both languages so switching
 * language while a toast is visible re-renders it in the new one.
 */
import { create } from 'zustand';
import type { Bilingual } from '../../shared/errors.ts';

export type ToastKind = 'error' | 'notice' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  title: Bilingual;
  detail?: Bilingual;
}

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
}

let nextId = 1;
/** At most this many stay on screen; older ones go first. */
const maxToasts = 4;

export const useToastStore = create<ToastState>()((set) => ({
  toasts: [],
  push(toast) {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts, { ...toast, id }].slice(-maxToasts) }));
    return id;
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
}));

export function pushToast(toast: Omit<Toast, 'id'>): number {
  return useToastStore.getState().push(toast);
}
