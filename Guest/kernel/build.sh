#!/usr/bin/env bash
# Builds the teaching kernel (Guest/kernel/*.c, boot.S, link.ld) into Sources/Emulator/Resources/kernel.elf (or the
# path given as the first argument) with the Swift toolchain's clang and ld.lld (CLANG and LLD override them). The
# tests run this script into a scratch directory and fail when the committed kernel.elf differs from what it builds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here/../../Sources/Emulator/Resources/kernel.elf}"
toolchain=$(dirname "$(readlink -f "$(command -v swiftc || echo /usr/bin/swiftc)")")
clang="${CLANG:-$toolchain/clang}"; [ -x "$clang" ] || clang=clang
lld="${LLD:-$toolchain/ld.lld}"; [ -x "$lld" ] || lld=ld.lld
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cflags=(--target=i386-unknown-none-elf -ffreestanding -nostdlib -mgeneral-regs-only -march=i686 -fno-pic
  -fno-stack-protector -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror)
objects=("$tmp/boot.o")
"$clang" --target=i386-unknown-none-elf -c "$here/boot.S" -o "$tmp/boot.o"
for source in main cpu trap events task console serial keyboard nic syscall shell user; do
  "$clang" "${cflags[@]}" -c "$here/$source.c" -o "$tmp/$source.o"
  objects+=("$tmp/$source.o")
done
"$lld" -m elf_i386 -T "$here/link.ld" --no-pie -static -o "$out" "${objects[@]}"
echo "built: $out"
