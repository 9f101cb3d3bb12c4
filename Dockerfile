# vpcdns in a container: docker build -t vpcdns . && docker run --rm -p 5353:5353/udp -p 5353:5353/tcp vpcdns
#
# The default command serves the embedded example network, with its VPC
# resolvers and inbound endpoint on every address of the container (the
# example itself listens on 127.0.0.1, which a published port does not
# reach). Mount your own file and name it to serve it instead:
#   docker run -v "$PWD/network.yaml:/etc/vpcdns/network.yaml:ro" -p 53:53/udp -p 53:53/tcp vpcdns
# (the process runs as nonroot without capabilities; Docker lets it bind ports
# below 1024 inside the container, other runtimes may need
# --sysctl net.ipv4.ip_unprivileged_port_start=0).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/vpcdns ./cmd/vpcdns
RUN sed -E 's/"127\.0\.0\.1:(5353|5354|5363)"/"0.0.0.0:\1"/' internal/config/example/network.yaml > /out/network.yaml
RUN /out/vpcdns check -c /out/network.yaml

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vpcdns /usr/local/bin/vpcdns
COPY --from=build /out/network.yaml /etc/vpcdns/network.yaml
USER nonroot:nonroot
# vpc-app's resolver, the inbound endpoint, vpc-shared's resolver, metrics.
EXPOSE 5353/udp 5353/tcp 5354/udp 5354/tcp 5363/udp 5363/tcp 9153/tcp
ENTRYPOINT ["/usr/local/bin/vpcdns"]
CMD ["serve", "-c", "/etc/vpcdns/network.yaml", "--metrics-listen", "0.0.0.0:9153"]
