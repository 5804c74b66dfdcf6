/**
 * A real small disk for the full-disk tests: a tmpfs of a given size, filled to the last byte.
 * Mounting needs root (CAP_SYS_ADMIN); where that's not possible the tests are skipped with a
 * message rather than faked: an injected error would not prove what the database really does.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Mounts a tmpfs of `size` (e.g. "24m") at `dir`; false when this process may not mount. */
export function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/** Unmounts, lazily if something still holds a file open there. */
export function unmount(dir: string): void {
  try {
    execFileSync("umount", [dir], { stdio: "pipe" });
  } catch {
    execFileSync("umount", ["-l", dir], { stdio: "pipe" });
  }
}

/** Writes until the filesystem refuses: 64 KiB chunks, then 4 KiB, then single bytes. */
export function fillDisk(file: string): number {
  const fd = fs.openSync(file, "w");
  let written = 0;
  try {
    for (const size of [65536, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          written += fs.writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}
