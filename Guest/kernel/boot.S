/*
 * The teaching kernel's entry: the Multiboot v1 header, the boot stack, the 256 interrupt entry stubs, the common
 * trap path and the kernel-stack switch.
 */
        .intel_syntax noprefix
        .section .multiboot, "a"
        .align 4
        .long 0x1BADB002                /* magic */
        .long 0x00000003                /* flags: modules page-aligned, memory information */
        .long -(0x1BADB002 + 0x00000003)

        .text
        .globl _start
_start:
        cli
        mov     esp, offset boot_stack_top
        xor     ebp, ebp
        push    ebx                     /* the Multiboot information */
        push    eax                     /* the boot magic, 0x2BADB002 */
        call    kernel_main
1:      cli
        hlt
        jmp     1b

/*
 * Entry stubs, one per vector, 16 bytes apart (the IDT points at isr_stubs + 16 * vector). Each makes the stack look
 * the same: the CPU pushes an error code for vectors 8, 10-14 and 17; for the others the stub pushes 0 in its place.
 */
        .balign 16
        .globl isr_stubs
isr_stubs:
        .set vector, 0
        .rept 256
        .balign 16
        .if vector == 8 || (vector >= 10 && vector <= 14) || vector == 17
        .else
        push    0
        .endif
        push    vector
        jmp     trap_entry
        .set vector, vector + 1
        .endr

/* Saves the registers into a struct frame (kernel.h), loads the kernel's data selectors, calls trap(frame). */
trap_entry:
        pushad
        .att_syntax                     /* pushl: Intel-syntax `push ds` assembles as a 16-bit push */
        pushl   %ds
        pushl   %es
        pushl   %fs
        pushl   %gs
        .intel_syntax noprefix
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        cld
        push    esp
        call    trap
        add     esp, 4
        .globl trap_return
trap_return:
        .att_syntax
        popl    %gs
        popl    %fs
        popl    %es
        popl    %ds
        .intel_syntax noprefix
        popad
        add     esp, 8                  /* the vector and the error code */
        iretd

/*
 * switch_stacks(uint32_t *save, uint32_t next): saves the callee-saved registers on this kernel stack, stores the
 * stack pointer in *save and continues on `next`, a stack saved the same way (or built by task.c for a new task).
 */
        .globl switch_stacks
switch_stacks:
        mov     eax, [esp + 4]
        mov     edx, [esp + 8]
        push    ebp
        push    ebx
        push    esi
        push    edi
        mov     [eax], esp
        mov     esp, edx
        pop     edi
        pop     esi
        pop     ebx
        pop     ebp
        ret

        .bss
        .align 16
        .space 8192
        .globl boot_stack_top
boot_stack_top:
