# syntax=docker/dockerfile:1
# The edge controller as a container (the local stack and the simulated farm; a real farm runs
# it under systemd, see scripts/pi-setup.sh).
#   docker build -f deploy/edge.Dockerfile -t registry.digitalocean.com/tokkatot/edge:TAG .

FROM node:20.19-bookworm-slim AS build
# better-sqlite3 compiles when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/
COPY sync/package.json sync/
COPY edge/package.json edge/
COPY cloud/package.json cloud/
COPY infra/package.json infra/
RUN npm ci --workspace @tokkatot/edge --include-workspace-root --no-audit --no-fund
COPY shared shared
COPY sync sync
COPY edge edge
RUN npx tsc -b edge

FROM node:20.19-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends sqlite3 curl ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/shared shared
COPY --from=build /app/sync sync
COPY --from=build /app/edge edge
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production TOKKATOT_DATA_DIR=/data TOKKATOT_PORT=8080
VOLUME /data
USER node
WORKDIR /app/edge
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["tini", "--", "node", "--import", "tsx"]
CMD ["src/main.ts"]
