#!/usr/bin/env bash
# Installs the C toolchain sbpf-pvm needs (Debian's clang-19 and lld-19) when it is missing.
# Idempotent: does nothing when both are already on PATH. Downloads nothing but Debian packages.
set -euo pipefail

need=()
command -v clang-19 >/dev/null 2>&1 || need+=(clang-19)
command -v ld.lld-19 >/dev/null 2>&1 || need+=(lld-19)
# The RISC-V and BPF targets ship in the same clang package; llvm-19 gives llvm-objdump for debugging.
command -v llvm-objdump-19 >/dev/null 2>&1 || need+=(llvm-19)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${need[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "deps: ${need[*]} missing and this user is not root and has no password-less sudo;" >&2
  echo "deps: install them with: apt-get install ${need[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Try with the package lists already here; refresh them once when that fails (fresh or stale lists).
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for tool in clang-19 ld.lld-19; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deps: $tool still missing after install" >&2; exit 1; }
done
echo "deps: ok ($(clang-19 --version | head -1))" >&2
