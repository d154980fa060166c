# rangekeeper, as a team deploys it: `npm start` on Node.js 24, as a non-root user, with the
# embedded database in the /app/data volume (or DATABASE_URL=postgresql://… for PostgreSQL).
#   docker build -t rangekeeper .
#   docker run -p 3000:3000 --env-file .env -v rangekeeper-data:/app/data rangekeeper
FROM node:24-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first (a layer that changes only with the lockfile). The install generates the
# Prisma client, so the schema and its config come along.
COPY package.json package-lock.json prisma.config.ts ./
COPY packages/schema-engine/package.json packages/schema-engine/
COPY packages/slack-standin/package.json packages/slack-standin/
COPY prisma ./prisma
COPY packages/schema-engine ./packages/schema-engine
RUN npm ci --omit=dev && npm cache clean --force

COPY src ./src

# The embedded database lives in ./data; Node's compile cache in node_modules/.cache.
RUN mkdir -p data node_modules/.cache && chown -R node:node data node_modules/.cache
VOLUME ["/app/data"]
USER node

ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["npm", "start"]
