-- Failed sign-ins are counted per (account, client address) and per client address, with growing
-- delays, instead of per account: an account lock-out let anyone lock an operator out.
CREATE TABLE "sign_in_throttle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "blockedUntil" DATETIME,
    "lastFailureAt" DATETIME NOT NULL
);

ALTER TABLE "user" DROP COLUMN "failedLoginCount";
ALTER TABLE "user" DROP COLUMN "lockedUntil";
