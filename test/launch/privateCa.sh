#!/usr/bin/env bash
# A private CA, as a company's, for test/host/network.test.ts: creates a test root CA and a server certificate it
# signs (bc.test, 127.0.0.1 and this machine's first non-loopback IPv4 address) in DIR, and installs ONLY the CA into
# the OS store (Debian: /usr/local/share/ca-certificates + update-ca-certificates). The CA's key is deleted at once.
# Then point the tests at DIR: BC_PICTURES_TEST_TLS_DIR=DIR npm test. Never sets NODE_EXTRA_CA_CERTS: the point is
# that VS Code's own stack finds the CA in the OS store.
# Usage (root): test/launch/privateCa.sh DIR
set -euo pipefail
dir="${1:?usage: privateCa.sh DIR}"
store=/usr/local/share/ca-certificates/bc-pictures-test-ca.crt

# Not loopback: the extension reaches this computer with Node's own fetch, which ignores the OS store.
ip="$(node -p "Object.values(require('os').networkInterfaces()).flat().find((a) => a.family === 'IPv4' && !a.internal)?.address ?? ''")"
if [ -z "$ip" ]; then
  # A machine with only loopback: a documentation address (RFC 5737) on lo serves as "another host".
  ip=192.0.2.2
  ip addr show dev lo | grep -q "inet $ip/" || ip addr add "$ip/32" dev lo
fi

mkdir -p "$dir"
cd "$dir"
rm -f ca.key ca.crt ca.srl server.key server.csr server.crt server.ext server.ip
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=BC Pictures Test Root CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=bc.test" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:bc.test,IP:%s,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$ip" >server.ext
openssl x509 -req -sha256 -days 30 -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -extfile server.ext \
  -out server.crt 2>/dev/null
rm -f ca.key ca.srl server.csr server.ext
printf '%s\n' "$ip" >server.ip

install -m 0644 ca.crt "$store"
update-ca-certificates >/dev/null
echo "privateCa.sh: CA installed as $store; server certificate for bc.test and $ip in $dir"
