# syntax=docker/dockerfile:1
# The cloud API, its scheduled jobs and the PostgreSQL backup job (deploy/cloud-entrypoint.sh).
#   docker build -f deploy/cloud.Dockerfile -t registry.digitalocean.com/tokkatot/cloud:TAG .

FROM node:20.19-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/
COPY sync/package.json sync/
COPY edge/package.json edge/
COPY cloud/package.json cloud/
COPY infra/package.json infra/
RUN npm ci --workspace @tokkatot/cloud --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY shared shared
COPY sync sync
COPY cloud cloud
# Fail the build, not the pod, when the sources do not type-check.
RUN npx tsc -b cloud cloud/dashboard
# The owners' dashboard, served by the API from cloud/dashboard/dist.
RUN npx tsx cloud/dashboard/scripts/build.ts

FROM node:20.19-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 curl ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/shared shared
COPY --from=build /app/sync sync
COPY --from=build /app/cloud cloud
COPY scripts/backup scripts/backup
COPY deploy/cloud-entrypoint.sh /usr/local/bin/tokkatot-cloud
ENV NODE_ENV=production API_PORT=8080 METRICS_PORT=9090
USER node
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["tini", "--", "tokkatot-cloud"]
CMD ["serve"]
