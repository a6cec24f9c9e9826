/**
 * Reading a notebook page in e2e tests the way a person sees it: cells found by name (through
 * the page's runtime handle), each SQL cell's output, its status and its grid rows.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export async function cellIdOf(page: Page, name: string): Promise<string> {
  await page.waitForFunction((n) => Boolean((window as any).__madangRuntime?.cellIdByName(n)), name, { timeout: 30_000 });
  return page.evaluate((n) => (window as any).__madangRuntime.cellIdByName(n) as string, name);
}

export function output(page: Page, cellId: string) {
  return page.locator(`[data-testid="cell-output"][data-cell-id="${cellId}"]`);
}

/** Waits until the named cell's output says `status`; returns the cell's id. */
export async function waitStatus(page: Page, name: string, status: string, timeout = 60_000): Promise<string> {
  const id = await cellIdOf(page, name);
  await expect.poll(() => output(page, id).getAttribute('data-status'), { timeout }).toBe(status);
  return id;
}

/** Text of row `row` of a cell's grid, cell by cell (once its window has arrived). */
export async function gridRow(page: Page, cellId: string, row: number): Promise<string[]> {
  const cells = output(page, cellId).locator(`[data-testid="result-grid-row"][data-row="${row}"] [role="gridcell"]`);
  await expect.poll(async () => (await cells.allTextContents()).join('|'), { timeout: 20_000 }).not.toMatch(/^$|…/);
  return cells.allTextContents();
}
