# syntax=docker/dockerfile:1
# Kanary controller image.
#   docker build -t kanary/kanary:0.1.0 --build-arg VERSION=0.1.0 .
# Multi-stage: the build stage compiles TypeScript (and bundles the dashboard UI) with the dev
# dependencies; the deps stage installs the production dependencies; the runtime stage has those,
# dist/ and bin/ only, and no npm. Runs as a non-root numeric user and needs no
# writable root filesystem (the chart sets readOnlyRootFilesystem and mounts an emptyDir on /tmp).
# node is PID 1 on purpose: `kanary controller` handles SIGTERM itself (finishes in-flight
# reconciles, releases the leader Lease, closes the metrics server) and exits.

# Node 24, the active LTS (Node 20 is past its end of life).
ARG NODE_IMAGE=node:24.11-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-dashboard.mjs scripts/bundle-cli.mjs ./scripts/
COPY src ./src
# The local stack (simulated kubelet, edge proxy, cluster scripts) is for tests and the demo only.
RUN npm run build && rm -rf dist/sandbox

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kanary" \
      org.opencontainers.image.description="Progressive-delivery controller for Kubernetes: canary Rollouts with Ambassador/Emissary traffic shifting and Prometheus analysis" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://kanary.dev" \
      org.opencontainers.image.base.name="docker.io/library/node:24.11-bookworm-slim"
ENV NODE_ENV=production \
    HOME=/tmp
WORKDIR /app
# The controller needs node only: no package manager in the runtime image.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY bin ./bin
COPY --from=build /src/dist ./dist
# 65532: the conventional "nonroot" uid/gid; numeric so runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 8090 8081
ENTRYPOINT ["node", "bin/kanary.js", "controller"]
