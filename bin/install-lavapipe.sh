#!/usr/bin/env bash
# Installs Mesa's lavapipe (a software Vulkan driver) from Debian's bookworm-backports, so
# `nnc run --backend webgpu` has an adapter on a machine without a GPU. Dawn refuses the
# Mesa 22.3 of bookworm itself, hence backports' Mesa 25. Idempotent; needs root and apt.
set -euo pipefail
if dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -Eq '^(2[5-9]|[3-9][0-9])\.'; then
  echo "lavapipe: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
  exit 0
fi
if ! grep -qs '^ID=debian' /etc/os-release || ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "lavapipe: this script knows Debian bookworm only; install Mesa >= 25's Vulkan drivers (mesa-vulkan-drivers) with your package manager" >&2
  exit 1
fi
list=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$list"
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
echo "lavapipe: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) installed"
