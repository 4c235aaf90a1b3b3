# sms-gateway-mocks: every provider's emulator and the control plane on one port.
# Build: docker build -t sms-gateway-mocks .   Run: see README.md, "Docker".
# Plain Dockerfile syntax: the classic builder and BuildKit build it alike.

# The base images. By default the official Python slim image, for both stages. Any image with
# python3 on PATH does, as long as both stages get the same Python at the same path (the
# runtime runs the venv the builder made). tests/docker/ passes images it builds from Debian's
# own packages (tests/docker/engine.py), the builder's with python3-venv and binutils.
ARG BUILD_IMAGE=python:3.12-slim
ARG RUNTIME_IMAGE=python:3.12-slim

# Stage 1: the venv, /opt/sms-mocks, with ours and every dependency installed from wheels;
# pip, setuptools, the wheels and the sources stay in this stage.
FROM ${BUILD_IMAGE} AS builder
# WHEELS: a directory of the build context that already holds every wheel, ours and each
# dependency's (`pip wheel --wheel-dir dist/docker-wheels .`); then the build fetches nothing
# and can run with --network none. Empty (the default): pip builds them here, from PyPI.
ARG WHEELS=
# SMS_MOCKS_COMPILE=1: our wheel is the compiled build (mypyc, setup.py), about twice as fast
# on the request path; the builder then gets a C compiler (apt) unless it has one. The release
# image is built so; 0 (the default) builds the pure-Python wheel, with nothing to install.
ARG SMS_MOCKS_COMPILE=0
WORKDIR /src
# .dockerignore lets in only pyproject.toml, setup.py, build_support/, README.md, LICENSE,
# mocks/ and dist/docker-wheels/
COPY . .
RUN set -eu; \
    python3 -m venv /opt/sms-mocks; \
    pip=/opt/sms-mocks/bin/pip; \
    if [ -n "$WHEELS" ]; then wheels="/src/$WHEELS"; \
    else \
        if [ "$SMS_MOCKS_COMPILE" != 0 ] && ! command -v cc >/dev/null; then \
            apt-get update -qq; \
            apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null; fi; \
        "$pip" wheel --no-cache-dir --use-pep517 --wheel-dir /wheels .; wheels=/wheels; fi; \
    "$pip" install --no-cache-dir --no-compile --no-index --find-links "$wheels" \
        sms-gateway-mocks; \
    "$pip" uninstall --yes --quiet pip setuptools; \
    site=$(/opt/sms-mocks/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))'); \
    if command -v strip >/dev/null; then find "$site" -name '*.so' -type f \
        -exec strip --strip-unneeded {} +; fi; \
    /opt/sms-mocks/bin/python -m compileall -q -j 0 --invalidation-mode unchecked-hash "$site"

# Stage 2: the runtime: that venv alone, run by an unprivileged user.
FROM ${RUNTIME_IMAGE}
# the user as useradd --system --user-group would make it, written directly: a base need not
# have useradd (Debian's passwd package is not essential)
RUN echo 'sms-mocks:x:10001:10001::/data:/usr/sbin/nologin' >> /etc/passwd \
    && echo 'sms-mocks:x:10001:' >> /etc/group \
    && mkdir -p /config /data && chown sms-mocks:sms-mocks /data
COPY --from=builder /opt/sms-mocks /opt/sms-mocks

# Every `serve` option and configuration key has an SMS_MOCKS_ variable (README, "Docker").
# A container listens on every address; /_mock/ then needs SMS_MOCKS_CONTROL_TOKEN for
# clients other than loopback, and the server says so when it starts without one.
# The bytecode was compiled at build time (unchecked-hash: valid whatever the files' times),
# so nothing is written next to the code; the root filesystem can be read-only.
ENV PATH=/opt/sms-mocks/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SMS_MOCKS_HOST=0.0.0.0 \
    SMS_MOCKS_PORT=7214 \
    SMS_MOCKS_LOG_FORMAT=json \
    SMS_MOCKS_DATA_DIR=/data \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

# /config: mount a TOML file here and set SMS_MOCKS_CONFIG=/config/<file>.toml.
# /data: the sandbox's SQLite (--data-dir) and its TLS CA, owned by the sms-mocks user.
VOLUME ["/config", "/data"]
EXPOSE 7214
USER sms-mocks
WORKDIR /data

# Docker runs the first check one interval after the start: 5 s keeps that wait short, for
# ~0.1 s of CPU a check.
HEALTHCHECK --interval=5s --timeout=5s --start-period=5s --retries=3 \
    CMD ["sms-mocks", "health", "--timeout", "3"]

ENTRYPOINT ["sms-mocks"]
CMD ["serve"]
