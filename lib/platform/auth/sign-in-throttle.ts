import "server-only";
import { prisma } from "../db/client";

/**
 * Slows password guessing without letting anyone lock a person out. Failed sign-ins are counted
 * under two keys: the account together with the client's address, and the address alone (many
 * accounts tried from one place). Past a free number of failures, each further failure makes that
 * key wait longer before the next try (30 s, 1 min, 2 min … up to 15 min). Nothing is keyed on the
 * account alone, so failures from an attacker's address never delay the operator's own sign-in
 * from theirs. The address is the connection's, or what a trusted proxy says
 * (lib/platform/http/client-address.ts): a forged X-Forwarded-For doesn't give a fresh budget.
 *
 * Every key is checked and counted the same way whether or not the account exists, so the
 * answers don't tell which accounts do.
 */
export const ACCOUNT_FREE_FAILURES = 5;
export const ADDRESS_FREE_FAILURES = 20;
const FIRST_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 15 * 60_000;
/** A key with no failure for this long starts again from zero. */
const FORGET_AFTER_MS = 24 * 3_600_000;

export function throttleKeys(email: string, address: string): { account: string; address: string } {
  return { account: `account:${email.trim().toLowerCase()}|${address}`, address: `address:${address}` };
}

/** The wait after the n-th failure under a key with `free` free failures. */
export function delayAfterFailures(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - free), MAX_DELAY_MS);
}

/** Milliseconds until this account may be tried from this address again; 0 if it may now. */
export async function signInWaitMs(options: { email: string; address: string; now?: Date }): Promise<number> {
  const now = options.now ?? new Date();
  const keys = throttleKeys(options.email, options.address);
  const rows = await prisma.signInThrottle.findMany({ where: { key: { in: [keys.account, keys.address] } }, select: { blockedUntil: true } });
  const until = Math.max(0, ...rows.map((row) => row.blockedUntil?.getTime() ?? 0));
  return Math.max(0, until - now.getTime());
}

export interface FailureOutcome {
  /** True when this failure started a wait under either key (worth an audit event: a lock-out). */
  startedDelay: boolean;
  waitMs: number;
}

/** Counts one failed sign-in under both keys and sets their next allowed time. */
export async function recordSignInFailure(options: { email: string; address: string; now?: Date }): Promise<FailureOutcome> {
  const now = options.now ?? new Date();
  const keys = throttleKeys(options.email, options.address);
  let startedDelay = false;
  let waitMs = 0;
  for (const [key, free] of [[keys.account, ACCOUNT_FREE_FAILURES], [keys.address, ADDRESS_FREE_FAILURES]] as const) {
    const existing = await prisma.signInThrottle.findUnique({ where: { key } });
    const stale = !existing || now.getTime() - existing.lastFailureAt.getTime() > FORGET_AFTER_MS;
    const failures = (stale ? 0 : existing.failures) + 1;
    const delay = delayAfterFailures(failures, free);
    const blockedUntil = delay > 0 ? new Date(now.getTime() + delay) : null;
    await prisma.signInThrottle.upsert({
      where: { key },
      create: { key, failures, blockedUntil, lastFailureAt: now },
      update: { failures, blockedUntil, lastFailureAt: now },
    });
    if (delay > 0 && failures === free) startedDelay = true;
    waitMs = Math.max(waitMs, delay);
  }
  return { startedDelay, waitMs };
}

/** A successful sign-in clears the account's key for that address (the address key keeps counting: it guards other accounts). */
export async function clearSignInFailures(options: { email: string; address: string }): Promise<void> {
  await prisma.signInThrottle.deleteMany({ where: { key: throttleKeys(options.email, options.address).account } });
}

export function waitMessage(waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  const amount = seconds < 90 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many failed sign-ins from this address. Try again in ${amount}.`;
}
