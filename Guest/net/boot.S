/*
 * net driver kernel: Multiboot entry and the interrupt entry stubs. Everything else is in driver.c.
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
        push    ebx                     /* the Multiboot information */
        push    eax                     /* the boot magic */
        call    kernel_main
1:      cli
        hlt
        jmp     1b

/* IRQ 11 (vector 0x2B after the remap): the card. The C handler reads ICR and drains the ring. */
        .globl nic_entry
nic_entry:
        pushad
        cld
        call    nic_interrupt
        mov     al, 0x20
        out     0xA0, al                /* EOI to the slave: clears ISR bit 3 (IRQ 11) */
        out     0x20, al                /* EOI to the master: clears ISR bit 2 (the cascade) */
        popad
        iretd

/* Spurious IRQ 7 / 15 and any other unexpected device vector: nothing to acknowledge. */
        .globl ignore_entry
ignore_entry:
        iretd

/* CPU exceptions: report the vector and stop. Entry i pushes a dummy error code when the CPU pushes none. */
        .macro exception vector, has_error
        .globl exception_\vector
exception_\vector:
        .if \has_error == 0
        push    0
        .endif
        push    \vector
        jmp     exception_common
        .endm
        exception 0, 0
        exception 6, 0
        exception 8, 1
        exception 13, 1
        exception 14, 1
exception_common:
        pushad                          /* exception_report(edi, …, eax, vector, error, eip) */
        call    exception_report
2:      cli
        hlt
        jmp     2b

        .bss
        .align 16
        .space 16384
stack_top:
