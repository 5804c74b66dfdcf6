import { chromium } from "@playwright/test";
const base = "http://127.0.0.1:3300";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
const page = await ctx.newPage();
await page.request.post(`${base}/api/auth/sign-in/email`, { data: { email: "admin@runsheet.local", password: "runsheet-demo" }, headers: { origin: base } });
for (const path of [process.argv[2], "/", "/account"]) {
  await page.goto(base + path);
  await page.waitForLoadState("networkidle");
  const r = await page.evaluate(() => {
    const over = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${(e.className || "").toString().slice(0, 80)} right=${Math.round(e.getBoundingClientRect().right)} text=${(e.textContent || "").slice(0, 40)}`);
    return { over, wide };
  });
  console.log(path, JSON.stringify(r, null, 1));
}
await browser.close();
