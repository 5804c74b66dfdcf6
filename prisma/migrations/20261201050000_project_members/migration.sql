-- Per-project access: members with a role in a project, and an installation setting that says
-- whether viewers and operators see only their projects ('members') or every project ('all').
CREATE TABLE "project_member" (
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "addedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("projectId", "userId"),
    CONSTRAINT "project_member_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "project_member_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "project_member_addedById_fkey" FOREIGN KEY ("addedById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE INDEX "project_member_userId_idx" ON "project_member"("userId");
CREATE INDEX "project_member_addedById_idx" ON "project_member"("addedById");

CREATE TABLE "setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- A new install shows projects to their members only. An install that already has projects keeps
-- what its people could do before this migration: everyone signed in sees every project.
INSERT INTO "setting" ("key", "value", "updatedAt")
SELECT 'projectVisibility', CASE WHEN EXISTS (SELECT 1 FROM "project") THEN 'all' ELSE 'members' END, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now');
