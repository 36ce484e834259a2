#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real (Chromium for browser tests,
# nginx and openssl for the deployment tests, wrk for benchmarks, libmagic for
# attachments) when they are missing.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
# The deployment tests make a self-signed certificate for nginx -t on the TLS config.
command -v openssl >/dev/null || need+=(openssl)
# libmagic: attachments' content types are sniffed from their bytes (python-magic).
ldconfig -p 2>/dev/null | grep 'libmagic\.so\.1' >/dev/null || need+=(libmagic1)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
