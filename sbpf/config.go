package sbpf

// DefaultStackFrameSize is vm.rs DEFAULT_STACK_FRAME_SIZE.
const DefaultStackFrameSize = 4096

// Config holds the VM settings (vm.rs Config).
type Config struct {
	MaxCallDepth int // maximum BPF-to-BPF call depth
	// StackFrameSize in bytes; must match the LLVM BPF backend.
	StackFrameSize int
	// EnableAddressTranslation must stay true: raw host addressing is not supported
	// (NewMemoryMapping rejects false).
	EnableAddressTranslation bool
	EnableStackFrameGaps     bool // gaps between v0 stack frames
	// InstructionMeterCheckpointDistance only matters to anza's JIT; kept for completeness.
	InstructionMeterCheckpointDistance int
	EnableInstructionMeter             bool
	EnableRegisterTracing              bool // not implemented by this interpreter (ignored)
	EnableSymbolAndSectionLabels       bool
	RejectBrokenELFs                   bool
	NoopInstructionRate                uint32 // JIT only
	SanitizeUserProvidedValues         bool   // JIT only
	OptimizeRodata                     bool
	AlignedMemoryMapping               bool
	EnabledVersions                    [2]Version // inclusive range [min, max]
}

// DefaultConfig is vm.rs Config::default() (with the jit feature's defaults).
func DefaultConfig() Config {
	return Config{
		MaxCallDepth:                       64,
		StackFrameSize:                     DefaultStackFrameSize,
		EnableAddressTranslation:           true,
		EnableStackFrameGaps:               true,
		InstructionMeterCheckpointDistance: 10000,
		EnableInstructionMeter:             true,
		NoopInstructionRate:                256,
		SanitizeUserProvidedValues:         true,
		OptimizeRodata:                     true,
		EnabledVersions:                    [2]Version{V0, V4},
	}
}

// StackSize is the size of the stack region: frame size times max call depth.
func (c Config) StackSize() int { return c.StackFrameSize * c.MaxCallDepth }

// VersionEnabled reports whether v is inside EnabledVersions.
func (c Config) VersionEnabled(v Version) bool {
	return v >= c.EnabledVersions[0] && v <= c.EnabledVersions[1]
}
