#!/usr/bin/env bash
# Builds the benchmark kernels (and the e1000 driver kernel that `bench net` and the tests run) into Sources/Emulator/Resources with the Swift toolchain's clang and ld.lld.
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
# bench-net: the e1000 driver kernel (C and assembly).
"$clang" --target=i386-unknown-none-elf -ffreestanding -fno-pic -fno-stack-protector -mgeneral-regs-only -O2 -Wall \
  -c "$here/net/driver.c" -o "$tmp/driver.o"
"$clang" --target=i386-unknown-none-elf -c "$here/net/boot.S" -o "$tmp/boot.o"
"$lld" -m elf_i386 -T "$here/bench/link.ld" -o "$out/bench-net.elf" "$tmp/boot.o" "$tmp/driver.o"
echo "built: $(ls "$out"/bench-*.elf | tr '\n' ' ')"
