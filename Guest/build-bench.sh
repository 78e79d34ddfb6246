#!/usr/bin/env bash
# Builds the benchmark kernels into Sources/Emulator/Resources with the Swift toolchain's clang and ld.lld.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../Sources/Emulator/Resources"
toolchain=$(dirname "$(readlink -f "$(command -v swiftc)")")
clang="$toolchain/clang"; [ -x "$clang" ] || clang=clang
lld="$toolchain/ld.lld"; [ -x "$lld" ] || lld=ld.lld
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for name in cpu irq; do
  "$clang" --target=i386-unknown-none-elf -c "$here/bench/$name-workload.S" -o "$tmp/$name.o"
  "$lld" -m elf_i386 -T "$here/bench/link.ld" -o "$out/bench-$name.elf" "$tmp/$name.o"
done
echo "built: $(ls "$out"/bench-*.elf | tr '\n' ' ')"
