/**
 * How responsive a page stays: its main thread's long tasks (over 50 ms), recorded from the
 * document's start with the Long Tasks API, and the total blocking time (the sum of each long
 * task's time over 50 ms, as Lighthouse counts it). Used by the long-task test and by
 * `npm run bench:long-tasks`.
 */
import type { Page } from 'puppeteer-core';

export interface Responsiveness {
  /** Long tasks seen (each over 50 ms). */
  count: number;
  longestMs: number;
  totalBlockingMs: number;
  /** Each long task: when it started (ms from the document's start) and how long it ran. */
  tasks: { startMs: number; durationMs: number }[];
}

/** Records every long task of each document the page loads from now on (into window.longTasks). */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const tasks: { startMs: number; durationMs: number }[] = [];
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ startMs: Math.round(entry.startTime), durationMs: Math.round(entry.duration) });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The long tasks recorded so far (and forgets them, when `reset`). */
export async function longTasks(page: Page, reset = false): Promise<Responsiveness> {
  const tasks = await page.evaluate((clear) => {
    const list = (window as unknown as { longTasks: { startMs: number; durationMs: number }[] }).longTasks;
    const copy = [...list];
    if (clear) list.length = 0;
    return copy;
  }, reset);
  const durations = tasks.map((t) => t.durationMs);
  return {
    count: durations.length,
    longestMs: Math.max(0, ...durations),
    totalBlockingMs: durations.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
    tasks,
  };
}
