# sms-gateway-mocks: every provider's emulator and the control plane on one port.
# Build: docker build -t sms-gateway-mocks .   Run: see README.md, "Docker".

# Stage 1: build the wheels, ours and every dependency's (the build tools and the sources
# stay in this stage).
FROM python:3.12-slim AS builder
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY mocks ./mocks
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Stage 2: the runtime: the wheels installed from stage 1 only, run by an unprivileged user.
FROM python:3.12-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home sms-mocks \
    && mkdir -p /config /data && chown sms-mocks:sms-mocks /data
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels sms-gateway-mocks \
    && rm -rf /wheels

# Every `serve` option and configuration key has an SMS_MOCKS_ variable (README, "Docker").
# A container listens on every address; /_mock/ then needs SMS_MOCKS_CONTROL_TOKEN for
# clients other than loopback, and the server says so when it starts without one.
ENV SMS_MOCKS_HOST=0.0.0.0 \
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

HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["sms-mocks", "health", "--timeout", "3"]

ENTRYPOINT ["sms-mocks"]
CMD ["serve"]
