# syntax=docker/dockerfile:1
# pinbot: multi-stage build on Node 24 LTS. The build stage has the compilers that
# better-sqlite3's native addon needs; the final stage has only the runtime files.

FROM node:24-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src

FROM node:24-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=/app/data/pinbot.sqlite
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/main.ts"]
