/**
 * A real PostgreSQL server for tests: a throw-away cluster (initdb) in a temporary folder,
 * listening on a free loopback port, stopped and deleted afterwards. Uses Debian's `postgresql`
 * package (`apt-get install -y postgresql`; .ci/run installs it); no system service is touched.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./free-port";

export interface PostgresServer {
  /** postgresql://… of the server's `postgres` database. */
  url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: RUNSHEET_PG_BIN, or the newest Debian install. */
export function findPostgresBin(): string {
  const fromEnv = process.env.RUNSHEET_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error("PostgreSQL is not installed: run `apt-get install -y postgresql` (.ci/run does), or set RUNSHEET_PG_BIN to the folder with initdb and pg_ctl.");
  }
  return path.join(root, versions[0], "bin");
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-pg-"));
  const dataDir = path.join(dir, "data");
  // PostgreSQL refuses to run as root; CI containers are root, so run it as the package's user.
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], { stdio: "pipe" }) : execFileSync(path.join(bin, command), args, { stdio: "pipe" });
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  const port = await freePort();
  try {
    run("initdb", ["-D", dataDir, "-U", "runsheet", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    run("pg_ctl", [
      "-D", dataDir, "-l", path.join(dir, "server.log"), "-w", "-t", "30",
      "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      "start",
    ]);
  } catch (error) {
    const log = fs.existsSync(path.join(dir, "server.log")) ? fs.readFileSync(path.join(dir, "server.log"), "utf8") : "";
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start a test PostgreSQL server: ${stderr}\n${log}`, { cause: error });
  }
  const url = `postgresql://runsheet@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name) {
      if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name ${name} must be lower-case letters, digits and _`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgresql://runsheet@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
