/** Printed on every page of the record of a run that hasn't ended. A module of its own so the
 * server can name it without loading the PDF renderer (which lives in the worker threads). */
export const IN_PROGRESS_MARK = "IN PROGRESS — not a final record";
