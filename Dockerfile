# syntax=docker/dockerfile:1
#
# credgate's container image, and the image of the GitHub Action (action.yml: `runs.using: docker`).
#
#   docker build -t credgate .
#   docker run --rm -v "$PWD:/repo" -w /repo credgate scan .
#
# Size, estimated (no container engine was available to build it): the distroless `cc` base is
# about 23 MB uncompressed, and the stripped release binary 10.4 MB (measured by replaying the
# builder stage's commands outside a container), so about 34 MB in all (target: under 40 MB).
# The binary needs only libc, libm and libgcc_s, which the `cc` base provides.
#
# TLS: reqwest is built with `rustls-tls`, which bundles the Mozilla root certificates
# (webpki-roots) into the binary, so no CA bundle is needed at run time (the base has one anyway).
#
# git: not installed and not needed. credgate calls git only for `scan --staged` (the pre-commit
# mode, reading the index), which the action never runs; so no `safe.directory` setting either.
#
# GitHub runs a Docker action's image as root, mounts the workspace and sets the working
# directory itself: so no USER, no WORKDIR in the final stage, and an absolute exec-form
# ENTRYPOINT (the runner appends no arguments; credgate then reads the INPUT_* variables).

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /build
ENV CARGO_PROFILE_RELEASE_STRIP=symbols \
    CARGO_INCREMENTAL=0 \
    CARGO_TERM_COLOR=never

# Dependencies in their own layer, rebuilt only when Cargo.toml or Cargo.lock change: build the
# manifest with empty sources (every declared target needs a file, the benches included).
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && echo 'fn main() {}' > benches/inventory_overhead.rs \
 && echo 'fn main() {}' > benches/dryrun_parallel.rs \
 && cargo build --release --locked \
 && rm -rf src

# The real sources; `touch` makes them newer than the placeholder build whatever their mtime.
COPY src ./src
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked \
 && ./target/release/credgate --version

# Distroless publishes no versioned tags, only `latest` and the rolling variants (`nonroot` would
# break the runner's root requirement). Release builds should pin the digest
# (`cc-debian12@sha256:…`) and let Dependabot or Renovate move it.
# hadolint ignore=DL3007
FROM gcr.io/distroless/cc-debian12:latest
COPY --from=builder /build/target/release/credgate /usr/local/bin/credgate
ENTRYPOINT ["/usr/local/bin/credgate"]
