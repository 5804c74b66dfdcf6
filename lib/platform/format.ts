/** Counts in running text ("1,234 clients"), the same on the server and in the browser. */
export const formatCount = (n: number) => n.toLocaleString("en-GB");

/** A file size as people read it: "812 B", "14.2 KB", "3.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
