# Production-like image for the web server (`npm run serve`) and the queue workers (`npm run worker`),
# both running the JavaScript compiled into .build/ when the image is built (no TypeScript loader at run time).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when the lockfile changes.
# --ignore-scripts: no install script is needed (Prisma's would download engines we don't use).
# `npm install` fallback: npm ci rejects a lockfile that lacks other platforms' optional packages.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
    || npm install --ignore-scripts --no-audit --no-fund

# Prisma client. `generate` never runs the schema engine but insists that it exists:
# any existing file will do.
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN PRISMA_SCHEMA_ENGINE_BINARY="$(command -v node)" npx prisma generate

COPY . .

# COPY keeps the build context's mtimes; make sure scripts/bootstrap.mjs never sees the
# install or the generated client as stale at runtime. Then compile to .build/.
RUN touch node_modules/.package-lock.json src/generated/prisma/client.ts \
    && node scripts/bootstrap.mjs --build \
    && mkdir -p data && chown node:node data

# One malloc arena: glibc's per-thread arenas would hold tens of MB the server never reuses.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 MALLOC_ARENA_MAX=1
USER node
EXPOSE 3000
# node directly (the same command as `npm run serve`): `docker stop` sends SIGTERM to PID 1,
# and npm → sh → node would stop npm and leave the server running until the SIGKILL.
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=192", ".build/src/server.js"]
