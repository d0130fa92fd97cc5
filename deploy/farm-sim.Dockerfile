# syntax=docker/dockerfile:1
# A simulated farm: the firmware's POSIX port (firmware/port-posix, the virtual coop) built with
# MQTT support, talking to the farm broker as one ESP32 node would.
#   docker build -f deploy/farm-sim.Dockerfile -t registry.digitalocean.com/tokkatot/farm-sim:TAG .

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake make gcc libc6-dev pkg-config python3 libmosquitto-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY firmware firmware
COPY shared/fixtures shared/fixtures
RUN cmake -S firmware -B build -DCMAKE_BUILD_TYPE=Release -DTOKKATOT_TESTS=OFF \
 && cmake --build build --target tokkatot-sim -j2

FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends libmosquitto1 tini && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/sim --shell /usr/sbin/nologin sim
COPY --from=build /src/build/port-posix/tokkatot-sim /usr/local/bin/tokkatot-sim
USER sim
WORKDIR /var/lib/sim
ENTRYPOINT ["tini", "--", "tokkatot-sim"]
