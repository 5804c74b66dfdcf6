import { expect, pdfText, RunBoard, test } from "./fixtures";

const SNOW = "https://acme.service-now.com/change_request.do?sysparm_query=number={ticket}";

test.describe("the change ticket a cutover runs under", () => {
  test("set in the project settings, it links from the project and the run page and is printed on the PDF cover", async ({ page, loginAs, createProject, startRun, db }) => {
    const project = await createProject();
    const ticket = `CHG${Date.now() % 10_000_000}`;
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}/settings`);
    // A bad template is refused with the reason, and nothing is stored.
    await page.getByLabel("Change ticket").fill(ticket);
    await page.getByLabel("Change link template").fill("javascript:alert(1)//{ticket}");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("The link template must start with https:// or http://.")).toBeVisible();
    expect(db.prepare(`SELECT changeTicket FROM project WHERE id = ?`).get(project.id)).toEqual({ changeTicket: "" });

    await page.getByLabel("Change link template").fill(SNOW);
    await page.getByLabel("NetBackup version").selectOption("V10");
    await page.getByLabel("New server's platform").selectOption("CROSS_PLATFORM");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}$`));
    const url = SNOW.replace("{ticket}", ticket);
    await expect(page.getByRole("link", { name: new RegExp(`^${ticket}`) })).toHaveAttribute("href", url);
    await expect(page.getByText("Different OS or architecture")).toBeVisible();
    expect(db.prepare(`SELECT changeTicket, changeLinkTemplate, netbackupVersion, platformPath FROM project WHERE id = ?`).get(project.id)).toEqual({ changeTicket: ticket, changeLinkTemplate: SNOW, netbackupVersion: "V10", platformPath: "CROSS_PLATFORM" });

    const run = await startRun(project.id, "REHEARSAL");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await expect(page.getByRole("link", { name: new RegExp(`^${ticket}`) })).toHaveAttribute("href", url);
    // The cover prints the ticket and its link (a long URL wraps, so only its start is compared).
    expect(await pdfText(page.request, run.id)).toContain(`Change ticket ${ticket} · https://acme.service-now.com/change_`);
  });
});
