-- API tokens for scripts and the CLI: only the SHA-256 of each secret is stored (lib/tokens).
CREATE TABLE "api_token" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'PERSONAL',
    "name" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "projectIds" TEXT NOT NULL DEFAULT '[]',
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "lastUsedAt" DATETIME,
    "lastUsedAddress" TEXT,
    "revokedAt" DATETIME,
    "revokedByName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    CONSTRAINT "api_token_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "api_token_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "api_token_secretHash_key" ON "api_token"("secretHash");
CREATE INDEX "api_token_userId_idx" ON "api_token"("userId");
CREATE INDEX "api_token_createdById_idx" ON "api_token"("createdById");
