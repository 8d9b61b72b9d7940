package sbpf

// dinsn is one pre-resolved instruction slot. aux holds the memory offset, the
// absolute jump/call target slot, the syscall table index or the callx register.
type dinsn struct {
	op  uint8
	dst uint8
	src uint8
	_   uint8
	aux int32
	imm int64
}

// program is the decoded text: one dinsn per slot plus the iOverrun sentinel.
type program struct {
	code     []dinsn
	syscalls []SyscallFunc
	names    []string
}

// decodeProgram resolves every slot for the executable's version, syscalls and
// functions. Registries are fixed once an executable exists, so resolving calls
// here gives the same result as anza's per-step lookups.
func decodeProgram(e *Executable) *program {
	n := uint64(len(e.Text) / InsnSize)
	p := &program{code: make([]dinsn, n+1)}
	p.code[n] = dinsn{op: iOverrun}
	sysIndex := map[uint32]int32{}
	addSyscall := func(key uint32) (int32, bool) {
		if i, ok := sysIndex[key]; ok {
			return i, true
		}
		name, fn, ok := e.Loader.LookupSyscall(key)
		if !ok {
			return 0, false
		}
		i := int32(len(p.syscalls))
		p.syscalls = append(p.syscalls, fn)
		p.names = append(p.names, name)
		sysIndex[key] = i
		return i, true
	}
	v := e.Version
	for pc := uint64(0); pc < n; pc++ {
		in := DecodeInsn(e.Text, pc)
		d := dinsn{op: resolveOp(in.Opc, v), dst: in.Dst, src: in.Src, aux: int32(in.Off), imm: in.Imm}
		switch {
		case d.op == iLddw:
			if pc+1 < n {
				hi := DecodeInsn(e.Text, pc+1).Imm
				d.imm = int64(uint64(uint32(in.Imm)) | uint64(hi)<<32)
			}
		case isJump(d.op):
			d.aux = int32(int64(pc) + 1 + int64(in.Off))
		case d.op == iCallReg:
			switch {
			case v.CallxUsesSrcReg():
				d.aux = int32(in.Src)
			case v.CallxUsesDstReg():
				d.aux = int32(in.Dst)
			default:
				d.aux = int32(in.Imm)
			}
		case d.op == iCallImm:
			d = resolveCall(e, d, in, pc, n, addSyscall)
		}
		p.code[pc] = d
	}
	return p
}

// resolveCall mirrors the CALL_IMM arm of interpreter.rs.
func resolveCall(e *Executable, d dinsn, in Insn, pc, n uint64, addSyscall func(uint32) (int32, bool)) dinsn {
	v := e.Version
	sys, isSys := int32(0), false
	if !v.StaticSyscalls() || in.Src == 0 {
		sys, isSys = addSyscall(uint32(in.Imm))
	}
	if v.StaticSyscalls() {
		target := satAddI64(int64(pc)+1, in.Imm)
		if in.Src == 1 && target >= 0 && IsPCInProgram(int(n)*InsnSize, uint64(target)) {
			return dinsn{op: iCallLocal, aux: int32(target)}
		}
		if isSys {
			return dinsn{op: iCallSyscall, aux: sys}
		}
		return dinsn{op: iInvalid}
	}
	_, target, isFn := e.Functions.Lookup(uint32(in.Imm))
	switch {
	case isFn && isSys:
		d = dinsn{op: iSyscallThenCall, aux: sys, imm: int64(target)}
	case isFn && IsPCInProgram(int(n)*InsnSize, target):
		d = dinsn{op: iCallLocal, aux: int32(target)}
	case isFn:
		d = dinsn{op: iCallLocalOutside}
	case isSys:
		d = dinsn{op: iCallSyscall, aux: sys}
	default:
		d = dinsn{op: iInvalid}
	}
	return d
}
