// No "server-only" import: the backup CLI (lib/cli/db-backup.ts) runs this outside Next.js.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDirectory } from "../db/sqlite-path";

/**
 * Evidence files (screenshots, command output, logs) kept next to the database, content-addressed
 * by SHA-256: `<folder>/<first two hex>/<sha256>`. The same file uploaded twice is stored once,
 * and a file's name on disk is its fingerprint, so the record can prove it is unchanged.
 * RUNSHEET_EVIDENCE_DIR moves the folder (for example onto storage shared by several instances).
 */
export function evidenceDirectory(): string {
  const configured = process.env.RUNSHEET_EVIDENCE_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(dataDirectory(), "evidence");
}

export const evidencePath = (sha256: string, root = evidenceDirectory()) => path.join(root, sha256.slice(0, 2), sha256);

export const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Writes the bytes under their hash and returns it. Written to a temporary name and renamed, so a
 * crash never leaves a half-written file under a real hash.
 */
export function storeEvidence(bytes: Uint8Array): string {
  const sha256 = sha256Of(bytes);
  const target = evidencePath(sha256);
  if (fs.existsSync(target)) return sha256;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${randomUUID()}.partial`;
  fs.writeFileSync(temporary, bytes, { flag: "wx" });
  fs.renameSync(temporary, target);
  return sha256;
}

export function readEvidence(sha256: string): Buffer | null {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
  try {
    return fs.readFileSync(evidencePath(sha256));
  } catch {
    return null;
  }
}
