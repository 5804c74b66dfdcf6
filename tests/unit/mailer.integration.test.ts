import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpWorld, type SmtpWorld } from "./helpers/smtp-world";
import { mailIsConfigured, MailNotConfiguredError, sendMail } from "@/lib/platform/mail/mailer";

describe("sendMail over real SMTP", () => {
  let smtp: SmtpWorld;
  const saved = { url: process.env.RUNSHEET_SMTP_URL, from: process.env.RUNSHEET_MAIL_FROM };
  beforeAll(async () => {
    smtp = await startSmtpWorld();
  });
  afterAll(async () => {
    process.env.RUNSHEET_SMTP_URL = saved.url;
    if (saved.url === undefined) delete process.env.RUNSHEET_SMTP_URL;
    await smtp.close();
  });

  it("is off without RUNSHEET_SMTP_URL, with an error that says so", async () => {
    delete process.env.RUNSHEET_SMTP_URL;
    expect(mailIsConfigured()).toBe(false);
    await expect(sendMail({ to: "a@example.com", subject: "x", text: "y" })).rejects.toBeInstanceOf(MailNotConfiguredError);
  });

  it("delivers a message with its sender, recipient, subject and body", async () => {
    process.env.RUNSHEET_SMTP_URL = smtp.url;
    process.env.RUNSHEET_MAIL_FROM = "Runsheet Test <runsheet@test.example>";
    const subject = `Step 14 is ready ${Date.now()}`;
    const sent = await sendMail({ to: "olivia@example.com", subject, text: "Step 14: copy the catalog" });
    expect(sent.accepted).toEqual(["olivia@example.com"]);
    const received = await smtp.waitForMessage((mail) => mail.subject === subject);
    expect(received.from?.text).toContain("runsheet@test.example");
    expect(received.text).toContain("copy the catalog");
  });
});
