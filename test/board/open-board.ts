// The dashboard started for real on a test's logdir: for the tests that ask
// its API (startLoadedBoard) and for those that look at it in Chromium
// (openBoardInChromium, saveScreenshot), with the teardown they share
// (closeBoard). Nothing here is under test itself.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page } from "playwright-core";
import { startBoard, type Board } from "../../src/board/server.js";
import { launchChromium, pageCollectingErrors } from "../browser.js";
import { removeTempDirs } from "./fixtures.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/board/", import.meta.url));

/** The board on `logdir` at a free port, once its first read of the logdir is done. */
export async function startLoadedBoard(logdir: string): Promise<Board> {
  const board = await startBoard({ logdir, port: 0, pollIntervalMs: 100 });
  while (board.index.status().loading) await new Promise((resolve) => setTimeout(resolve, 20));
  return board;
}

export interface BoardInChromium {
  board: Board;
  browser: Browser;
  /** A page at `viewport`, not yet at the board's address. */
  page: Page;
}

/**
 * The board on `logdir` at a free port, and a Chromium page that records its
 * console and page errors into `pageErrors`. The board is closed again if
 * Chromium does not start.
 */
export async function openBoardInChromium(
  logdir: string, viewport: { width: number; height: number }, pageErrors: string[],
): Promise<BoardInChromium> {
  const board = await startBoard({ logdir, port: 0, pollIntervalMs: 200 });
  try {
    const browser = await launchChromium();
    return { board, browser, page: await pageCollectingErrors(browser, viewport, pageErrors) };
  } catch (error) {
    await board.close();
    throw error;
  }
}

/** Saves what the page shows (the viewport, or the whole page) as test-artifacts/board/<name>.png. */
export async function saveScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Closes the browser (if any) and the board (if it started), and removes the test's temporary directories. */
export async function closeBoard(board: Board | undefined, browser?: Browser): Promise<void> {
  await browser?.close().catch(() => undefined);
  await board?.close();
  removeTempDirs();
}
