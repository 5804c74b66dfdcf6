/** The longest a single step may be planned for; longer work is split so progress stays visible. */
export const MAX_STEP_MINUTES = 24 * 60;
