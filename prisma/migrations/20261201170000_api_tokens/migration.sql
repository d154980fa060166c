-- Workspace API tokens: only their hash is kept.
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "scope" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ApiToken_scope_check" CHECK ("scope" IN ('read', 'write'))
);

CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");
CREATE UNIQUE INDEX "ApiToken_teamId_name_key" ON "ApiToken"("teamId", "name");

ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
