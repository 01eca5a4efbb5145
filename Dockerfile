# syntax=docker/dockerfile:1
# The edgeai image: two static binaries (Swift stdlib and Foundation linked in) on a small base:
# `edgeai`, everything, and `edgeai-node`, the edge agent alone, which the DaemonSet runs.
#   docker build -t registry.example.com/edgeai:0.1.0 .
# Commands: `edgeai cloud …` (Deployment), `edgeai-node edge …` and `edgeai-node healthz` (DaemonSet), `edgeai get …`.
# ENTRYPOINT, USER and the binary's path are read by ManifestContractTests: keep them in this form.
ARG SWIFT_IMAGE=swift:6.2-noble

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so source edits reuse this layer (Package.resolved is not in the
# repository: the versions resolve from Package.swift's ranges).
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# The build command lives in one script, which CI and operators can run without Docker.
COPY deploy/build-static.sh ./deploy/build-static.sh
RUN deploy/build-static.sh /out

FROM ubuntu:24.04
# GRDB links the system SQLite; CA certificates for reaching HTTPS API servers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 edgeai \
 && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin edgeai
COPY --from=build /out/edgeai /usr/local/bin/edgeai
COPY --from=build /out/edgeai-node /usr/local/bin/edgeai-node
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/edgeai"]
CMD ["--help"]
