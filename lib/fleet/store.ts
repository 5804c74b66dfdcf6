import "server-only";
import { isPostgres } from "../platform/db/dialect";
import * as onPostgres from "./store.postgres";
import * as onSqlite from "./store.sqlite";

/* The fleet's set-based SQL (one statement for thousands of clients), for this process's database. */
const store = isPostgres() ? onPostgres : onSqlite;

export const { clientIdsWithHostnameContaining, fillClientFields, freezeClientForEndedRuns, freezeClientsForEndedRuns, insertFleetClients, insertFleetRowsForClients } = store;
