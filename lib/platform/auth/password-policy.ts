import "server-only";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";

/**
 * Passwords: at least 12 characters and not easy to guess. "Easy" is zxcvbn's estimate (score
 * below 3 of 4) over a bundled list of about 49,000 common passwords plus keyboard patterns,
 * repeats, sequences, dates and the person's own name and email: so "aaaaaaaaaaaa",
 * "password1234" and "qwertyuiop12" are refused while a long passphrase passes. Everything is in
 * the npm package; nothing is looked up online.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;
const MIN_SCORE = 3;

let factory: ZxcvbnFactory | null = null;
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  return factory;
}

/** zxcvbn's warning keys, said plainly. */
const WARNINGS: Record<string, string> = {
  straightRow: "Rows of keys on the keyboard are easy to guess.",
  keyPattern: "Short keyboard patterns are easy to guess.",
  simpleRepeat: "Repeated characters like \"aaa\" are easy to guess.",
  extendedRepeat: "Repeated patterns like \"abcabcabc\" are easy to guess.",
  sequences: "Sequences like \"abc\" or \"6543\" are easy to guess.",
  recentYears: "Recent years are easy to guess.",
  dates: "Dates are easy to guess.",
  topTen: "This is one of the most used passwords.",
  topHundred: "This is a very commonly used password.",
  common: "This is a commonly used password.",
  similarToCommon: "This is too close to a commonly used password.",
  wordByItself: "A single word is easy to guess.",
  namesByThemselves: "Names on their own are easy to guess.",
  commonNames: "Common names are easy to guess.",
  userInputs: "It shouldn't contain your name or email.",
  pwned: "This password appeared in a data breach.",
};

/** Why this password isn't acceptable, or null. `personal`: the person's name and email, which it mustn't lean on. */
export function passwordProblem(password: string, personal: string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  // zxcvbn compares the lower-cased password with these as given: lower-case them too.
  const inputs = personal.map((value) => value.toLowerCase()).flatMap((value) => [value, ...value.split(/[@.\s_-]+/)]).filter((value) => value.length >= 3);
  const result = estimator().check(password, [...inputs, "runsheet", "netbackup", "veritas"]);
  if (result.score >= MIN_SCORE) return null;
  const warning = result.feedback.warning ? WARNINGS[result.feedback.warning] : null;
  return `This password is too easy to guess.${warning ? ` ${warning}` : ""} A few unrelated words make a strong one.`;
}
