/**
 * The database the end-to-end suite checks, whichever the server runs on. With SQLite (the
 * default) it is a better-sqlite3 connection to the server's file. With PostgreSQL
 * (E2E_DATABASE_URL=postgresql://…, set by e2e/support/run-on-postgres.ts) it is the same small
 * synchronous API over a real PostgreSQL connection: synckit runs the queries in a worker thread
 * and waits for them, so every spec reads the same on both.
 *
 * The specs' SQL is written for SQLite. On PostgreSQL it is adapted as it goes:
 * - `?` placeholders become `$1`, `$2` …;
 * - bare camelCase column names (`runId`) are quoted, since PostgreSQL folds unquoted names to
 *   lower case and Prisma's columns keep their case;
 * - a boolean column compared with 1 or 0 is compared with true or false;
 * - camelCase aliases after AS are quoted, and json_extract(x, '$.a') becomes x::jsonb #> '{a}'
 *   (#>>, text, where it is compared with a parameter);
 * - LIKE becomes ILIKE (SQLite's LIKE ignores ASCII case), rowid becomes ctid;
 * and rows come back as better-sqlite3 gives them (see postgres-sync-worker.mjs).
 * SQL beyond that (SQLite's json_each, datetime(), pragmas) fails loudly with the statement.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { createSyncFn } from "synckit";

export interface E2eStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

export interface E2eDatabase {
  prepare(sql: string): E2eStatement;
  transaction<T>(fn: () => T): () => T;
  pragma(statement: string): unknown;
  close(): void;
}

export function e2eDatabaseUrl(): string | null {
  const url = process.env.E2E_DATABASE_URL;
  return url && /^postgres(ql)?:\/\//i.test(url) ? url : null;
}

/** The synchronous database API over a PostgreSQL connection (also used by the integration tests on PostgreSQL). */
export function openPostgresSyncDatabase(url: string): E2eDatabase {
  return new PostgresSyncDatabase(url);
}

export function openE2eDatabase(): E2eDatabase {
  const url = e2eDatabaseUrl();
  if (url) return new PostgresSyncDatabase(url);
  const file = process.env.E2E_DATABASE_PATH;
  if (!file) throw new Error("E2E_DATABASE_PATH is not set; run the suite with `npx playwright test` (playwright.config.ts sets it).");
  const db = new Database(file, { fileMustExist: true, timeout: 10_000 });
  db.pragma("busy_timeout = 10000");
  return db;
}

type WorkerRequest = { kind: "query"; url: string; sql: string; params: unknown[] } | { kind: "columns"; url: string } | { kind: "close" };
type WorkerAnswer = { rows: Record<string, unknown>[]; rowCount: number } | { error: string } | { name: string; type: string }[] | null;

const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "postgres-sync-worker.mjs");

class PostgresSyncDatabase implements E2eDatabase {
  private readonly call: (request: WorkerRequest) => WorkerAnswer;
  /** Lower-cased column name → its real name, for the camelCase ones. */
  private readonly casedColumns = new Map<string, string>();
  private readonly booleanColumns = new Set<string>();

  constructor(private readonly url: string) {
    this.call = createSyncFn(workerFile, { timeout: 30_000 }) as (request: WorkerRequest) => WorkerAnswer;
    for (const column of this.call({ kind: "columns", url }) as { name: string; type: string }[]) {
      if (column.name !== column.name.toLowerCase()) this.casedColumns.set(column.name.toLowerCase(), column.name);
      if (column.type === "boolean") this.booleanColumns.add(column.name.toLowerCase());
    }
  }

  prepare(sql: string): E2eStatement {
    const { text, names } = this.translate(sql);
    const query = (params: unknown[]) => {
      // Named parameters (`@action` with one object, as better-sqlite3 binds them) go by position.
      const named = names.length > 0 && params.length === 1 && isPlainObject(params[0]);
      const values = named ? names.map((name) => (params[0] as Record<string, unknown>)[name]) : params;
      const answer = this.call({ kind: "query", url: this.url, sql: text, params: values.map(toPostgresParam) }) as { rows: Record<string, unknown>[]; rowCount: number } | { error: string };
      if ("error" in answer) throw new Error(`PostgreSQL: ${answer.error}`);
      return answer;
    };
    return {
      get: (...params) => query(params).rows[0],
      all: (...params) => query(params).rows,
      run: (...params) => ({ changes: query(params).rowCount }),
    };
  }

  transaction<T>(fn: () => T): () => T {
    return () => {
      this.prepare("BEGIN").run();
      try {
        const result = fn();
        this.prepare("COMMIT").run();
        return result;
      } catch (error) {
        this.prepare("ROLLBACK").run();
        throw error;
      }
    };
  }

  pragma(): unknown {
    // SQLite connection settings (busy_timeout): nothing to set on PostgreSQL.
    return undefined;
  }

  close(): void {
    this.call({ kind: "close" });
  }

  /** SQLite-flavoured SQL → PostgreSQL, outside string literals and quoted names. */
  private translate(sql: string): { text: string; names: string[] } {
    // json_extract(x, '$.a.b') → (x)::jsonb #> '{a,b}'; the worker gives objects back as JSON text, like SQLite.
    // Compared with a parameter it is #>> instead (text): jsonb = $1 would parse the value as JSON.
    // That compares as text, so it suits string values; a boolean would read 'true', not SQLite's 1.
    sql = sql.replace(/json_extract\(\s*([^,()]+?)\s*,\s*'\$\.([^']+)'\s*\)(?=(\s*(?:=|<>|!=)\s*\?)?)/gi, (_, column: string, jsonPath: string, compared: string | undefined) =>
      `((${column})::jsonb ${compared ? "#>>" : "#>"} '{${jsonPath.replace(/\[(\d+)\]/g, ".$1").split(".").join(",")}}')`,
    );
    let out = "";
    let n = 0;
    const names: string[] = [];
    const tokens = sql.match(/'(?:[^']|'')*'|"[^"]*"|@[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|\?|\s+|./gs) ?? [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token === "?") {
        out += `$${++n}`;
        continue;
      }
      if (token.startsWith("@")) {
        const known = names.indexOf(token.slice(1));
        if (known < 0) names.push(token.slice(1));
        out += `$${known < 0 ? names.length : known + 1}`;
        continue;
      }
      if (!/^[A-Za-z_]/.test(token)) {
        out += token;
        continue;
      }
      const lower = token.toLowerCase();
      if (lower === "like") {
        out += "ILIKE";
        continue;
      }
      // SQLite's insertion-order tie-breaker; ctid is the row's physical place, the same for rows not updated since.
      if (lower === "rowid") {
        out += "ctid";
        continue;
      }
      // A camelCase alias (`AS phaseTitle`) keeps its case as a key, as in SQLite.
      const previousWord = out.trimEnd().split(/\s+/).at(-1)?.toUpperCase();
      if (previousWord === "AS" && token !== lower) {
        out += `"${token}"`;
        continue;
      }
      out += this.casedColumns.get(lower) ? `"${this.casedColumns.get(lower)}"` : token;
      // `flag = 1` on a boolean column: `flag = true`.
      if (this.booleanColumns.has(lower)) {
        const rest = tokens.slice(i + 1).join("");
        const match = /^(\s*(?:=|<>|!=)\s*)([01])\b/.exec(rest);
        if (match) {
          out += `${match[1]}${match[2] === "1" ? "true" : "false"}`;
          // Skip the tokens the match covered.
          let consumed = 0;
          while (consumed < match[0].length) consumed += tokens[++i].length;
        }
      }
    }
    return { text: out, names };
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function toPostgresParam(value: unknown): unknown {
  // better-sqlite3 binds a Buffer as a BLOB, a bigint as an integer; pg takes both as they are.
  return typeof value === "bigint" ? value.toString() : value;
}
