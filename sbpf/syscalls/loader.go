package syscalls

import "github.com/sbpf-pvm/sbpf-pvm/sbpf"

// Config is the VM configuration of Agave's program runtime environment v1
// (create_program_runtime_environment_v1) for executing programs: 64 frames of 4 KiB with
// gaps, metering on, broken ELFs tolerated at execution, rodata not optimized, the
// aligned memory mapping (stricter_abi_and_runtime_constraints inactive) and SBPF
// versions v0 to v3.
func Config() sbpf.Config {
	cfg := sbpf.DefaultConfig()
	cfg.MaxCallDepth = 64
	cfg.StackFrameSize = 4096
	cfg.EnableAddressTranslation = true
	cfg.EnableStackFrameGaps = true
	cfg.InstructionMeterCheckpointDistance = 10000
	cfg.EnableInstructionMeter = true
	cfg.RejectBrokenELFs = false
	cfg.NoopInstructionRate = 256
	cfg.SanitizeUserProvidedValues = true
	cfg.OptimizeRodata = false
	cfg.AlignedMemoryMapping = true
	cfg.EnabledVersions = [2]sbpf.Version{sbpf.V0, sbpf.V3}
	return cfg
}

// NewLoader returns a loader with Config and every syscall registered.
func NewLoader() (*sbpf.Loader, error) {
	l := sbpf.NewLoader(Config())
	if err := Register(l); err != nil {
		return nil, err
	}
	return l, nil
}
