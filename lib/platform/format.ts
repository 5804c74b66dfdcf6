/** Counts in running text ("1,234 clients"), the same on the server and in the browser. */
export const formatCount = (n: number) => n.toLocaleString("en-GB");
