/**
 * Webhooks from the project's Webhooks page to a receiver this spec starts on loopback: an admin
 * registers it (private network allowed, with the warning), copies the secret shown once, a step
 * ticked through the API arrives signed and shows in the delivery log with its 200; a private URL
 * without the permission is refused with the reason under the URL field and nothing stored.
 */
import { auditCount, expect, test, uniqueName } from "./fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "../tests/support/webhook-receiver";

let receiver: WebhookReceiver;
test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

test.describe("Webhooks", () => {
  test("an admin registers an endpoint, sees its secret once, and a ticked step is delivered signed with 200 in the log", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "REHEARSAL");
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await expect(page.getByText("No webhooks yet")).toBeVisible();

    const name = uniqueName("ops-channel");
    const path = `/${name.replace(/[^A-Za-z0-9-]+/g, "-")}`;
    await page.getByRole("button", { name: "New webhook" }).click();
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("URL").fill(`${receiver.url}${path}`);
    await form.getByLabel("Format").selectOption("STANDARD");
    await expect(form.getByLabel("All events (including ones added later)")).toBeChecked();
    await form.getByLabel(/Allow a private-network address/).check();
    await form.getByRole("button", { name: "Create webhook" }).click();

    const shown = page.getByRole("status", { name: "New webhook secret" });
    await expect(shown).toContainText("shown only this once");
    await expect(shown.getByRole("button", { name: /Copy secret/ })).toBeVisible();
    const secret = (await shown.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.push(secret);
    const row = db.prepare(`SELECT id, allowPrivateNetwork, enabled FROM webhook_endpoint WHERE name = ?`).get(name) as { id: string; allowPrivateNetwork: number; enabled: number };
    expect(row).toMatchObject({ allowPrivateNetwork: 1, enabled: 1 });
    expect(auditCount(db, { action: "webhook.create", entityId: row.id })).toBe(1);
    const audit = db.prepare(`SELECT after FROM audit_event WHERE action = 'webhook.create' AND entityId = ?`).get(row.id) as { after: string };
    expect(audit.after).not.toContain(secret.slice(6));

    const step = project.step("1");
    await adminApi.act(run.id, step, "start");
    await adminApi.act(run.id, step, "done");

    // The receiver got step.completed, signed with the secret shown.
    await expect.poll(() => receiver.received.filter((r) => r.path === path && r.verified && r.body.includes('"step.completed"')).length, { timeout: 15_000 }).toBe(1);
    const body = JSON.parse(receiver.received.find((r) => r.path === path && r.body.includes('"step.completed"'))!.body) as { data: { step: { number: string; title: string } } };
    expect(body.data.step).toMatchObject({ number: "1", title: step.title });

    const item = page.getByRole("list", { name: "Webhooks" }).getByRole("listitem", { name });
    await item.getByRole("button", { name: "Delivery log" }).click();
    const delivery = item.getByRole("row", { name: "step.completed delivery" });
    await expect(async () => {
      await item.getByRole("button", { name: "Refresh" }).click();
      await expect(delivery).toContainText("200", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(delivery).toContainText("delivered");
    await expect(item.getByRole("row", { name: "step.started delivery" })).toContainText("delivered");

    // After a reload the secret is gone for good; the endpoint shows its last answer.
    await page.reload();
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
    const listed = page.getByRole("list", { name: "Webhooks" }).getByRole("listitem", { name });
    await expect(listed).toContainText("answered 200");

    // Edit: narrow it to completed steps; the secret stays as it was.
    await listed.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("form", { name: `Edit “${name}”` });
    await edit.getByLabel("All events (including ones added later)").uncheck();
    await edit.getByLabel("step.completed").check();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText(`Saved “${name}”.`)).toBeVisible();
    await expect(listed).toContainText("step.completed");
    expect(db.prepare(`SELECT events FROM webhook_endpoint WHERE id = ?`).get(row.id)).toEqual({ events: '["step.completed"]' });
    expect(auditCount(db, { action: "webhook.update", entityId: row.id })).toBe(1);
  });

  test("a private URL without the permission is refused under the URL field, nothing stored; the page fits a phone", async ({ page, loginAs, createProject, db }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const project = await createProject();
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}/webhooks`);
    const name = uniqueName("internal");
    await page.getByRole("button", { name: "New webhook" }).click();
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("URL").fill("http://169.254.169.254/latest/meta-data");
    await form.getByRole("button", { name: "Create webhook" }).click();
    await expect(form.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText(/169\.254\.169\.254 is a link-local address\. Webhooks go to public addresses unless an admin allows private networks/)).toBeVisible();
    expect(db.prepare(`SELECT count(*) AS n FROM webhook_endpoint WHERE name = ?`).get(name)).toEqual({ n: 0 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
