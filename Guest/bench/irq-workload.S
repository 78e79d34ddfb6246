/*
 * bench-irq: the guest workload of `irqscope bench irq`.
 *
 * Remaps the master PIC to vector 0x20, unmasks only IRQ0, programs PIT channel 0 as a rate generator (mode 2)
 * with the smallest count the datasheet allows (2: one period is 2 / 1.193182 MHz = 1.68 µs), and waits in
 * `sti; hlt`. The handler is the minimum an IRQ needs: count, EOI, IRET.
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
        /* IDT: 256 entries pointing at `ignore`, vector 0x20 at `timer`. */
        mov     edi, offset idt
        mov     ecx, 256
        mov     eax, offset ignore
1:      mov     word ptr [edi], ax
        mov     word ptr [edi + 2], 0x08
        mov     word ptr [edi + 4], 0x8E00
        shr     eax, 16
        mov     word ptr [edi + 6], ax
        mov     eax, offset ignore
        add     edi, 8
        dec     ecx
        jnz     1b
        mov     eax, offset timer
        mov     edi, offset idt + 0x20 * 8
        mov     word ptr [edi], ax
        shr     eax, 16
        mov     word ptr [edi + 6], ax
        lidt    [idt_pointer]
        /* 8259A: ICW1 edge + ICW4, ICW2 base 0x20 / 0x28, ICW3 cascade on IR2, ICW4 8086 mode. */
        mov     al, 0x11
        out     0x20, al
        out     0xA0, al
        mov     al, 0x20
        out     0x21, al
        mov     al, 0x28
        out     0xA1, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFE
        out     0x21, al
        mov     al, 0xFF
        out     0xA1, al
        /* 8254: channel 0, LSB then MSB, mode 2, binary; count 2. */
        mov     al, 0x34
        out     0x43, al
        mov     al, 2
        out     0x40, al
        xor     al, al
        out     0x40, al
        sti
2:      hlt
        jmp     2b

timer:
        inc     dword ptr [ticks]
        mov     al, 0x20
        out     0x20, al
        iretd

ignore:
        iretd

        .data
        .align 8
        .globl ticks
ticks:
        .long 0
idt_pointer:
        .word 256 * 8 - 1
        .long idt

        .bss
        .align 4096
idt:
        .space 256 * 8
        .align 4096
        .space 4096
stack_top:
