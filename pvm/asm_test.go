package pvm_test

import (
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// asmItem is an instruction whose branch/jump target may name a label; Label marks the
// position of a label instead of an instruction.
type asmItem struct {
	Label  string
	Inst   pvm.Inst
	Target string // label for the instruction's static target
}

func I(in pvm.Inst) asmItem                { return asmItem{Inst: in} }
func L(name string) asmItem                { return asmItem{Label: name} }
func J(in pvm.Inst, target string) asmItem { return asmItem{Inst: in, Target: target} }
func mustAsm(p pvm.Profile, items ...asmItem) *pvm.Program {
	prog, err := assemble(p, nil, items...)
	Expect(err).NotTo(HaveOccurred())
	return prog
}

// assemble lays out items, iterating until label offsets are stable (offsets change
// instruction sizes). jumpTable names labels whose offsets form the jump table.
func assemble(p pvm.Profile, jumpTable []string, items ...asmItem) (*pvm.Program, error) {
	labels := map[string]uint32{}
	for iter := 0; ; iter++ {
		var code []byte
		var mask []bool
		newLabels := map[string]uint32{}
		for _, it := range items {
			if it.Label != "" {
				newLabels[it.Label] = uint32(len(code))
				continue
			}
			in := it.Inst
			if it.Target != "" {
				t := uint64(labels[it.Target])
				switch in.Op.Format() {
				case pvm.FmtRegImmOffset:
					in.Imm2 = t
				default:
					in.Imm = t
				}
			}
			var err error
			code, mask, err = pvm.AppendInst(p, code, mask, uint32(len(code)), in)
			if err != nil {
				return nil, err
			}
		}
		stable := len(newLabels) == len(labels)
		for k, v := range newLabels {
			if labels[k] != v {
				stable = false
			}
		}
		labels = newLabels
		if stable || iter > 20 {
			prog := &pvm.Program{Code: code, Bitmask: pvm.PackBitmask(mask)}
			for _, l := range jumpTable {
				prog.JumpTable = append(prog.JumpTable, labels[l])
			}
			return prog, nil
		}
	}
}
