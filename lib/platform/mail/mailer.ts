import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";

/**
 * Outgoing email over SMTP, configured by environment variables (no settings page: a
 * self-hosted box gets its relay from whoever runs it, like its database URL):
 *
 *   RUNSHEET_SMTP_URL   smtp://user:pass@relay.example.com:587  (smtps:// for implicit TLS)
 *   RUNSHEET_MAIL_FROM  "Runsheet <runsheet@example.com>"
 *
 * Without RUNSHEET_SMTP_URL mail is off: mailIsConfigured() is false and callers keep their
 * in-app channel only. One transport is kept per process (nodemailer pools its connections).
 */
const mailEnv = z.object({
  RUNSHEET_SMTP_URL: z.string().regex(/^smtps?:\/\//, "RUNSHEET_SMTP_URL must start with smtp:// or smtps://"),
  RUNSHEET_MAIL_FROM: z.string().min(3).default("Runsheet <runsheet@localhost>"),
});

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. a stable Message-ID or References so a client threads a run's updates. */
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export class MailNotConfiguredError extends Error {
  constructor() {
    super("Email is not set up on this server (RUNSHEET_SMTP_URL).");
    this.name = "MailNotConfiguredError";
  }
}

const globalForMail = globalThis as unknown as { runsheetMail?: { key: string; transport: Transporter; from: string } };

export function mailIsConfigured(): boolean {
  return Boolean(process.env.RUNSHEET_SMTP_URL);
}

function transport(): { transport: Transporter; from: string } {
  if (!mailIsConfigured()) throw new MailNotConfiguredError();
  const env = mailEnv.parse(process.env);
  const key = `${env.RUNSHEET_SMTP_URL}|${env.RUNSHEET_MAIL_FROM}`;
  // Tests change the variables between suites; a changed setting gets a new transport.
  if (globalForMail.runsheetMail?.key !== key) {
    globalForMail.runsheetMail?.transport.close();
    globalForMail.runsheetMail = {
      key,
      transport: nodemailer.createTransport({ url: env.RUNSHEET_SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 }),
      from: env.RUNSHEET_MAIL_FROM,
    };
  }
  return globalForMail.runsheetMail;
}

/** Sends one message now; throws (with the server's answer) when the relay refuses it, so a caller's outbox can retry. */
export async function sendMail(mail: OutgoingMail): Promise<SentMail> {
  const { transport: smtp, from } = transport();
  const info = await smtp.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
  return {
    messageId: info.messageId,
    accepted: (info.accepted ?? []).map(String),
    rejected: (info.rejected ?? []).map(String),
  };
}
