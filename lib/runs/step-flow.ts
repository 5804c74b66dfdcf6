import "server-only";
import type { SqlTx } from "../platform/db/transaction";
import type { PgTx } from "../platform/db/transaction-postgres";
import type { StepStore } from "./step-store";

/*
 * The step actions' rules are written once, as generators that `yield` each call they make to the
 * store, and a runner answers the calls. On SQLite the runner answers at once, inside the one
 * synchronous BEGIN IMMEDIATE transaction, so nothing else in the process runs in between (an
 * await there would let other code meet the held write lock; README, "PostgreSQL"). On PostgreSQL
 * an asynchronous runner awaits each answer. The rules read the same either way:
 *
 *   const current = yield* use((store) => store.loadStepRun(runId, stepId));
 */

/** One call a flow asks for. `tx` is for the rare call outside the step store (an approval link's claim). */
export type StoreCall = (store: StepStore, tx: SqlTx | PgTx) => unknown;
export type StepFlow<T> = Generator<StoreCall, T, unknown>;

/** Asks the runner to make `call` and hands back its answer. */
export function* use<R>(call: (store: StepStore, tx: SqlTx | PgTx) => R): Generator<StoreCall, Awaited<R>, unknown> {
  return (yield call) as Awaited<R>;
}

/**
 * Runs a flow against a synchronous store (SQLite), start to finish without yielding to the event
 * loop. A call that throws is thrown into the flow where it asked, as a direct call would be.
 */
export function runStepFlowSync<T>(flow: StepFlow<T>, store: StepStore, tx: SqlTx): T {
  let next = flow.next();
  while (!next.done) {
    let answer: unknown;
    try {
      answer = next.value(store, tx);
      if (answer instanceof Promise) throw new Error("A synchronous step store answered with a promise.");
    } catch (error) {
      next = flow.throw(error);
      continue;
    }
    next = flow.next(answer);
  }
  return next.value;
}

/** Runs a flow against an asynchronous store (PostgreSQL), awaiting each answer. */
export async function runStepFlowAsync<T>(flow: StepFlow<T>, store: StepStore, tx: PgTx): Promise<T> {
  let next = flow.next();
  while (!next.done) {
    let answer: unknown;
    try {
      answer = await next.value(store, tx);
    } catch (error) {
      next = flow.throw(error);
      continue;
    }
    next = flow.next(answer);
  }
  return next.value;
}
