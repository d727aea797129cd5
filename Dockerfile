# Production image for the web server (`npm run serve`) and the queue workers (`npm run worker`),
# built in two stages: the first has every dependency and compiles the TypeScript into .build/;
# the image that ships has only the production dependencies, the compiled JavaScript and the
# data it reads (intents/, prisma/ for the migrations) — no Vitest, Playwright, Prisma CLI,
# TypeScript or autocannon. Reproducible: `npm ci` installs exactly the lockfile (no
# `npm install` fallback), and the base image is pinned to a Node release (pin its digest in
# your registry for byte-for-byte rebuilds).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so this layer is rebuilt only when the lockfile changes.
# --ignore-scripts: no install script is needed (Prisma's would download engines we don't use).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# Prisma client. `generate` never runs the schema engine but insists that it exists: any file will do.
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN PRISMA_SCHEMA_ENGINE_BINARY="$(command -v node)" npx prisma generate
COPY . .
# COPY keeps the build context's mtimes: make sure bootstrap never sees the install or the
# generated client as stale. Then compile src/ and connectors/ to .build/.
RUN touch node_modules/.package-lock.json src/generated/prisma/client.ts \
    && node scripts/bootstrap.mjs --build

FROM ${NODE_IMAGE}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# .build/ links ../intents and ../prisma (relative symlinks, kept by COPY).
COPY --from=build /app/.build ./.build
COPY intents ./intents
COPY prisma ./prisma
RUN mkdir -p data && chown node:node data

# One malloc arena: glibc's per-thread arenas would hold tens of MB the server never reuses.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 MALLOC_ARENA_MAX=1
USER node
EXPOSE 3000
# node directly (the same command as `npm run serve`): `docker stop` sends SIGTERM to PID 1,
# and npm → sh → node would stop npm and leave the server running until the SIGKILL.
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=192", ".build/src/server.js"]
