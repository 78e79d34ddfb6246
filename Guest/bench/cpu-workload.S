/*
 * bench-cpu: the guest workload of `irqscope bench cpu`.
 *
 * The loop of the yardstick kernels in ../shared/anchors (integer ALU, loads, stores, a read-modify-write, push/pop,
 * call/ret, a never-taken and a taken branch): 21 instructions per iteration. `iterations` is patched by the
 * benchmark before it boots the kernel. Executed instructions, from _start to the final OUT, exactly:
 *
 *     W(K) = 21 * K + 14
 *
 * setup 10 (cli, mov esp, mov esi, two stores, mov ecx, xor edx, mov ebp, mov eax, call eax); the loop 21 per
 * iteration (17 here + 4 in mix); after the loop 4 (ret, mov [result], xor eax, out).
 * It ends by writing 0 to the isa-debug-exit port (QEMU exit status 1).
 */
        .intel_syntax noprefix
        .section .multiboot, "a"
        .align 4
        .long 0x1BADB002
        .long 0
        .long -(0x1BADB002)

        .text
        .globl _start
_start:
        cli
        mov     esp, offset stack_top
        mov     esi, offset work
        mov     dword ptr [esi], 0x12345678
        mov     dword ptr [esi + 4], 0
        mov     ecx, dword ptr [iterations]
        xor     edx, edx
        mov     ebp, 0x9E3779B9
        mov     eax, offset loop
        call    eax
        mov     dword ptr [result], ebp
        xor     eax, eax
        out     0xF4, al
1:      hlt
        jmp     1b

loop:
        mov     eax, dword ptr [esi]
        add     eax, ecx
        xor     eax, 0x5A5A5A5A
        shl     eax, 3
        mov     ebx, eax
        and     ebx, 7
        cmp     ebx, 0
        jne     bad
        sub     eax, edx
        mov     dword ptr [esi], eax
        add     dword ptr [esi + 4], eax
        push    eax
        call    mix
        pop     ebx
        inc     edx
        dec     ecx
        jnz     loop
        ret
bad:
        mov     al, 3
        out     0xF4, al
        hlt

mix:
        mov     edi, dword ptr [esp + 4]
        add     ebp, edi
        rol     ebp, 5
        ret

        .data
        .align 4
        .globl iterations
iterations:
        .long 1000
        .globl result
result:
        .long 0

        .bss
        .align 4096
work:
        .space 4096
        .space 4096
stack_top:
