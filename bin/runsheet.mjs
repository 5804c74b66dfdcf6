#!/usr/bin/env node
// runsheet: sign steps off from the servers being migrated. Plain ESM on Node's own fetch,
// FormData and fs (Node 20.19+), no dependencies, so it runs on a master server with only node.
//
//   RUNSHEET_URL=https://runsheet.example RUNSHEET_TOKEN=rs_live_… runsheet step done <run> 14 --note "ok"
//
// Exit codes: 0 done (or already so), 1 the server refused, 2 usage, 3 the server couldn't be reached.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

const USAGE = `Usage:
  runsheet step start|done|skip|fail <run> <step-number> [--note TEXT] [--reason TEXT] [--attach FILE]...
  runsheet fleet tick <run> <step-number> <client> --status updated|verified|failed|pending [--note TEXT] [--attach FILE]...
  runsheet run status <run> [--json]

  <run>          the run's id, or the address of its page (…/runs/<id>)
  <step-number>  the step's number in the run, as the run page shows it ("14", "R2")
  --note TEXT    the note recorded with the step; on a fleet tick, why a client failed (required
                 for failed), otherwise attached to the client as <client>-note.txt
  --reason TEXT  why a step failed or was skipped (default: the note)
  --attach FILE  evidence to attach first (repeatable); on a fleet tick, attached to that client
  --idempotency-key KEY   reuse a key across invocations (default: one per invocation, reused on retries)

Environment: RUNSHEET_URL (the app's address), RUNSHEET_TOKEN (an API token, rs_live_…).
Exit codes: 0 ok, 1 refused by the server, 2 usage, 3 network.`;

class Exit extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const usage = (message) => new Exit(2, `${message}\n\n${USAGE}`);

function parseArgs(argv) {
  const positional = [];
  const options = { attach: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") throw new Exit(0, USAGE);
    if (arg === "--json") options.json = true;
    else if (["--note", "--reason", "--status", "--attach", "--idempotency-key"].includes(arg)) {
      const value = argv[++i];
      if (value === undefined) throw usage(`${arg} needs a value.`);
      if (arg === "--attach") options.attach.push(value);
      else options[arg.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = value;
    } else if (arg.startsWith("--")) throw usage(`Unknown option ${arg}.`);
    else positional.push(arg);
  }
  return { positional, options };
}

function config() {
  const url = process.env.RUNSHEET_URL?.trim();
  const token = process.env.RUNSHEET_TOKEN?.trim();
  if (!url) throw usage("Set RUNSHEET_URL to the app's address (https://runsheet.example).");
  if (!token) throw usage("Set RUNSHEET_TOKEN to an API token (make one on your account page).");
  let base;
  try {
    base = new URL(url);
  } catch {
    throw usage(`RUNSHEET_URL isn't an address: ${url}`);
  }
  return { base, token };
}

function runIdOf(value) {
  const fromUrl = /\/runs\/([^/?#]+)/.exec(value);
  return decodeURIComponent(fromUrl ? fromUrl[1] : value);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const RETRIES = Number(process.env.RUNSHEET_RETRIES ?? 4);

/**
 * One API call, resent with the same body (and so the same idempotency key) when the network
 * fails or the server says it is busy: the server applies a key once, so a resend is safe.
 */
async function call(cfg, method, path, { json, form } = {}) {
  const url = new URL(path, cfg.base);
  let lastNetworkError;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await sleep(Math.min(500 * 2 ** (attempt - 1), 8_000));
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${cfg.token}`, accept: "application/json", ...(json !== undefined ? { "content-type": "application/json" } : {}) },
        body: json !== undefined ? JSON.stringify(json) : form ? form() : undefined,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      lastNetworkError = error;
      continue;
    }
    if ([429, 502, 503, 504].includes(response.status) && attempt < RETRIES) {
      const wait = Number(response.headers.get("retry-after"));
      await response.body?.cancel();
      if (Number.isFinite(wait) && wait > 0) await sleep(Math.min(wait, 30) * 1000);
      continue;
    }
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const error = new Exit(1, `${method} ${url.pathname}: ${response.status} ${body?.error?.message ?? (text.slice(0, 200) || response.statusText)}`);
      error.status = response.status;
      error.body = body;
      throw error;
    }
    return body;
  }
  const cause = lastNetworkError?.cause?.code ?? lastNetworkError?.cause?.message ?? lastNetworkError?.message ?? "no answer";
  throw new Exit(3, `Couldn't reach ${cfg.base.origin} (${cause}) after ${RETRIES + 1} tries. Nothing is known to have changed; run the same command again.`);
}

async function runStatus(cfg, run) {
  return call(cfg, "GET", `/api/runs/${encodeURIComponent(run)}/status`);
}

function findStep(status, number) {
  const wanted = number.trim().toLowerCase();
  const step = status.steps.find((s) => String(s.number).toLowerCase() === wanted);
  if (!step) throw new Exit(1, `Run "${status.run.name}" has no step ${number} (steps ${status.steps[0]?.number ?? "-"} to ${status.steps.at(-1)?.number ?? "-"}).`);
  return step;
}

async function attachFiles(cfg, run, step, files, client) {
  for (const file of files) {
    let bytes = file.bytes;
    if (!bytes) {
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new Exit(2, `Can't read ${file}: ${error.code ?? error.message}`);
      }
    }
    const name = file.name ?? basename(file);
    const form = () => {
      const data = new FormData();
      data.set("file", new Blob([bytes]), name);
      if (client) data.set("client", client);
      return data;
    };
    const result = await call(cfg, "POST", `/api/runs/${encodeURIComponent(run)}/steps/${encodeURIComponent(step.id)}/evidence`, { form });
    console.log(`${result.replayed ? "Already attached" : "Attached"} ${result.name} (${result.size} bytes, sha256 ${result.sha256}) to step ${step.number}${client ? ` for ${client}` : ""}.`);
  }
}

const TARGET = { start: "IN_PROGRESS", done: "DONE", skip: "SKIPPED", fail: "FAILED" };

async function stepCommand(cfg, action, args, options) {
  if (!TARGET[action]) throw usage(`Unknown step action "${action ?? ""}": start, done, skip or fail.`);
  if (args.length !== 2) throw usage(`runsheet step ${action} needs <run> <step-number>.`);
  const run = runIdOf(args[0]);
  const step = findStep(await runStatus(cfg, run), args[1]);
  if (step.status === TARGET[action]) {
    if (options.attach.length > 0) await attachFiles(cfg, run, step, options.attach);
    console.log(`Step ${step.number} "${step.title}" is already ${TARGET[action].toLowerCase().replace("_", " ")}; nothing to do.`);
    return;
  }
  if (options.attach.length > 0) await attachFiles(cfg, run, step, options.attach);
  const note = options.note ?? "";
  const reason = options.reason ?? (action === "fail" || action === "skip" ? note : "");
  const idempotencyKey = options.idempotencyKey ?? `cli-${randomUUID()}`;
  let result;
  try {
    result = await call(cfg, "POST", `/api/runs/${encodeURIComponent(run)}/steps/${encodeURIComponent(step.id)}/actions`, { json: { action, note, reason, idempotencyKey } });
  } catch (error) {
    // Someone (or an earlier try of this command) got there first: fine if it is where we wanted it.
    if (error.status === 409) {
      const now = findStep(await runStatus(cfg, run), args[1]);
      if (now.status === TARGET[action]) {
        console.log(`Step ${now.number} "${now.title}" is already ${TARGET[action].toLowerCase().replace("_", " ")}; nothing to do.`);
        return;
      }
    }
    throw error;
  }
  const verb = { start: "Started", done: "Signed off", skip: "Skipped", fail: "Marked failed" }[action];
  console.log(`${verb} step ${step.number} "${step.title}"${result?.replayed ? " (already applied: this retry changed nothing)" : ""}.`);
}

const FLEET_STATUSES = ["updated", "verified", "failed", "pending"];

async function fleetCommand(cfg, sub, args, options) {
  if (sub !== "tick") throw usage(`Unknown fleet command "${sub ?? ""}": tick.`);
  if (args.length !== 3) throw usage("runsheet fleet tick needs <run> <step-number> <client>.");
  const status = (options.status ?? "").toLowerCase();
  if (!FLEET_STATUSES.includes(status)) throw usage(`--status must be one of ${FLEET_STATUSES.join(", ")}.`);
  if (status === "failed" && !options.note) throw usage("A failed client needs --note saying why.");
  const run = runIdOf(args[0]);
  const step = findStep(await runStatus(cfg, run), args[1]);
  if (!step.isFleet) throw new Exit(1, `Step ${step.number} "${step.title}" isn't a fleet step.`);
  const client = args[2].trim();
  const findRow = async () => {
    const view = await call(cfg, "GET", `/api/runs/${encodeURIComponent(run)}/fleet/${encodeURIComponent(step.id)}?q=${encodeURIComponent(client)}&pageSize=500`);
    const wanted = client.toLowerCase();
    const row = view.rows.find((r) => r.hostname.toLowerCase() === wanted) ?? view.rows.find((r) => (r.networkHostname ?? "").toLowerCase() === wanted);
    if (!row) throw new Exit(1, `"${client}" isn't a client of step ${step.number} "${step.title}".`);
    return row;
  };
  const row = await findRow();
  // A fleet client keeps a reason only when it failed: any other note goes in as that client's
  // evidence (a small text file), so what the script saw is on the record either way.
  const noteAsFile = options.note && status !== "failed" ? { name: `${row.hostname}-note.txt`, bytes: Buffer.from(`${options.note}\n`) } : null;
  if ((options.attach.length > 0 || noteAsFile) && step.status === "PENDING") {
    throw new Exit(1, `Step ${step.number} "${step.title}" hasn't started, so it takes no evidence yet: run "runsheet step start ${args[0]} ${step.number}" first.`);
  }
  if (options.attach.length > 0) await attachFiles(cfg, run, step, options.attach, row.hostname);
  if (noteAsFile) await attachFiles(cfg, run, step, [noteAsFile], row.hostname);
  const target = status.toUpperCase();
  const idempotencyKey = options.idempotencyKey ?? `cli-${randomUUID()}`;
  let result;
  try {
    result = await call(cfg, "POST", `/api/runs/${encodeURIComponent(run)}/fleet/${encodeURIComponent(step.id)}`, {
      json: { status: target, reason: options.note ?? "", selection: { kind: "ids", items: [{ id: row.id, version: row.version }] }, idempotencyKey },
    });
  } catch (error) {
    if (error.status === 409 && (await findRow()).status === target) {
      console.log(`${row.hostname} is already ${status} on step ${step.number}; nothing to do.`);
      return;
    }
    throw error;
  }
  console.log(`${row.hostname}: ${status} on step ${step.number} "${step.title}"${result?.replayed ? " (already applied: this retry changed nothing)" : ""}.`);
}

async function runCommand(cfg, sub, args, options) {
  if (sub !== "status") throw usage(`Unknown run command "${sub ?? ""}": status.`);
  if (args.length !== 1) throw usage("runsheet run status needs <run>.");
  const status = await runStatus(cfg, runIdOf(args[0]));
  if (options.json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  const p = status.progress;
  const finished = p.done + p.skipped + p.failed;
  console.log(`${status.project.name} / ${status.run.name} (${status.run.kind.toLowerCase()}, ${status.run.status.toLowerCase()})`);
  console.log(`Progress: ${finished} of ${p.steps} steps finished (${p.done} done, ${p.skipped} skipped, ${p.failed} failed), ${p.inProgress} in progress, ${p.pending} pending.`);
  if (status.forecast) {
    const f = status.forecast;
    const slack = f.slackMinutes >= 0 ? `${f.slackMinutes} min to spare` : `${-f.slackMinutes} min past the window`;
    console.log(`Forecast: finish ${f.finishAt} (${f.verdict.replace("_", " ")}, ${slack}; window ends ${status.run.windowEnd}).`);
  }
  const current = status.steps.filter((s) => s.status === "IN_PROGRESS");
  console.log(current.length ? "In progress:" : "Nothing in progress.");
  for (const s of current) console.log(`  ${s.number}  ${s.title}  (since ${s.startedAt})`);
  const next = status.steps.find((s) => s.status === "PENDING");
  if (next) console.log(`Next pending: ${next.number}  ${next.title}`);
}

async function main(argv) {
  const { positional, options } = parseArgs(argv);
  const [group, sub, ...args] = positional;
  if (!group) throw usage("Say what to do.");
  if (!["step", "fleet", "run"].includes(group)) throw usage(`Unknown command "${group}".`);
  const cfg = config();
  if (group === "step") return stepCommand(cfg, sub, args, options);
  if (group === "fleet") return fleetCommand(cfg, sub, args, options);
  return runCommand(cfg, sub, args, options);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    if (error instanceof Exit) {
      (error.code === 0 ? console.log : console.error)(error.code === 0 ? error.message : `runsheet: ${error.message}`);
      process.exit(error.code);
    }
    console.error(`runsheet: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
