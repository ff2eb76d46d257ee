import { chromium } from "playwright-core";
import type { ShipReport } from "../../../src/report/model.ts";
import { comparisonRows, formatMetric } from "../../../src/report/summary.ts";

export interface PageCheck {
  consoleErrors: string[];
  /** Requests to anything but the file itself. */
  externalRequests: string[];
  /** Chart id → number of drawn SVG shapes. */
  charts: Record<string, number>;
  /** Metrics whose value or text on the page differ from report.json. */
  mismatches: string[];
  metricsChecked: number;
}

/** Opens report.html in headless Debian Chromium, as a user would, and reads back what it shows. */
export async function checkReportPage(htmlPath: string, report: ShipReport, screenshot: string): Promise<PageCheck> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const externalRequests: string[] = [];
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      externalRequests.push(url);
      return route.abort();
    });
    await page.goto(`file://${htmlPath}`);
    await page.waitForSelector("body[data-charts]", { timeout: 30_000 });
    const charts = await page.$$eval(".chart", (els) =>
      Object.fromEntries(els.map((el) => [el.id, el.querySelectorAll("svg path, svg rect, svg text").length])),
    );
    const shown = await page.$$eval("[data-metric][data-side]", (els) =>
      els.map((el) => ({ key: el.getAttribute("data-metric")!, side: el.getAttribute("data-side")!, value: el.getAttribute("data-value")!, text: el.textContent!.trim() })),
    );
    const rows = new Map(comparisonRows(report).map((r) => [r.key, r]));
    const mismatches: string[] = [];
    for (const s of shown) {
      const row = rows.get(s.key);
      if (!row) { mismatches.push(`${s.key}: not in report`); continue; }
      const expected = row[s.side as "original" | "slim"];
      if (s.value !== (expected === null ? "" : String(expected))) mismatches.push(`${s.key}/${s.side}: page ${s.value}, report ${expected}`);
      const text = s.side === "slim" && row.slimText ? row.slimText : formatMetric(expected, row.format);
      if (s.text !== text) mismatches.push(`${s.key}/${s.side}: page shows "${s.text}", expected "${text}"`);
    }
    await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, externalRequests, charts, mismatches, metricsChecked: shown.length };
  } finally {
    await browser.close();
  }
}
