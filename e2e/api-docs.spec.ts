import { BASE_URL, expect, test } from "./fixtures";
import { seriousAxeFindings } from "./issue6-helpers";

test.describe("the API description", () => {
  test("/api/openapi.json answers OpenAPI 3.1 without a session, and /api-docs shows each route with its fields", async ({ page, loginAs, playwright }) => {
    const anonymous = await playwright.request.newContext();
    const response = await anonymous.get(`${BASE_URL}/api/openapi.json`);
    expect(response.status()).toBe(200);
    const document = await response.json();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain("/api/projects/{projectId}/import");
    await anonymous.dispose();

    await loginAs(page, "OPERATOR");
    await page.goto("/api-docs");
    await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
    const importOp = page.locator("details").filter({ hasText: "/api/projects/{projectId}/import" }).filter({ hasText: "POST" });
    await importOp.locator("summary").click();
    const body = importOp.getByRole("table", { name: "Body (application/json)" });
    await expect(body.getByRole("row").filter({ hasText: "dryRun" })).toContainText("boolean");
    await expect(body.getByRole("row").filter({ hasText: "base64" })).toBeVisible();
    expect(await seriousAxeFindings(page)).toEqual([]);
  });
});
