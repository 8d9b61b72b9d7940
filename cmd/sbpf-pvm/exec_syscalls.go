package main

// The syscalls `exec` registers until package sbpf/syscalls (Agave's full set with its
// costs) is available: the logging, abort and meter syscalls, with Agave's costs.

import (
	"fmt"
	"os"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

const execcliSyscallBaseCost = 100 // agave execution_budget syscall_base_cost and log_64_units

// execcliBudgetExceeded is Agave's InstructionError::ComputationalBudgetExceeded.
var execcliBudgetExceeded = fmt.Errorf("Computational budget exceeded")

func execcliConsume(vm *sbpf.VM, units uint64) error {
	m := vm.Meter()
	exceeded := units > m.Remaining()
	m.Consume(units)
	if exceeded {
		return execcliBudgetExceeded
	}
	return nil
}

func execcliRegisterSyscalls(l *sbpf.Loader) error {
	defs := map[string]sbpf.SyscallFunc{
		"abort": func(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
			return 0, fmt.Errorf("Abort")
		},
		"sol_log_64_": func(vm *sbpf.VM, a, b, c, d, e uint64) (uint64, error) {
			if err := execcliConsume(vm, execcliSyscallBaseCost); err != nil {
				return 0, err
			}
			fmt.Fprintf(os.Stderr, "Program log: %#x, %#x, %#x, %#x, %#x\n", a, b, c, d, e)
			return 0, nil
		},
		"sol_log_": func(vm *sbpf.VM, addr, n, _, _, _ uint64) (uint64, error) {
			if err := execcliConsume(vm, max(execcliSyscallBaseCost, n)); err != nil {
				return 0, err
			}
			b, err := vm.Memory.Translate(sbpf.Load, addr, n)
			if err != nil {
				return 0, err
			}
			fmt.Fprintf(os.Stderr, "Program log: %s\n", b)
			return 0, nil
		},
		"sol_log_compute_units_": func(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
			if err := execcliConsume(vm, execcliSyscallBaseCost); err != nil {
				return 0, err
			}
			fmt.Fprintf(os.Stderr, "Program consumption: %d units remaining\n", vm.Meter().Remaining())
			return 0, nil
		},
		"sol_remaining_compute_units": func(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
			if err := execcliConsume(vm, execcliSyscallBaseCost); err != nil {
				return 0, err
			}
			return vm.Meter().Remaining(), nil
		},
	}
	for _, name := range []string{"abort", "sol_log_", "sol_log_64_", "sol_log_compute_units_", "sol_remaining_compute_units"} {
		if err := l.RegisterSyscall(name, defs[name]); err != nil {
			return err
		}
	}
	return nil
}
